// Which symbols this executor may trade when several processes share one account (REDIS_URL).
// The executor asks through this one port and never knows about Redis: the default owns every
// symbol (one process, nothing changes); src/cluster/lease-ownership.ts answers from symbol leases.
//
// The rules it serves: an entry needs the lease (claimForEntry); an exit or a stop never waits for
// a lease but is refused once another process took the symbol (mayTrade false: our fencing token is
// stale); a position the exchange holds that no process owns is adopted by whoever claims it.

export interface SymbolOwnership {
  /** Before an entry: true only when this process holds (or just took) the symbol's lease. Never throws. */
  claimForEntry(symbol: string): Promise<boolean>;
  /** Before adopting an exchange position nobody recorded here: same as an entry claim. Never throws. */
  claimForAdoption(symbol: string): Promise<boolean>;
  /**
   * Local, no I/O: false when another process owns the symbol now (our token is stale), and for a
   * symbol whose lease this process has neither taken nor checked since it started (a restarted
   * old owner must learn it was taken over before it exits or moves a stop: confirmHeld).
   */
  mayTrade(symbol: string): boolean;
  /**
   * For the positions this process's journal holds: takes or confirms each symbol's lease. Returns
   * the symbols another process owns now (taken over: retired from this journal). Never throws.
   */
  confirmHeld(symbols: readonly string[]): Promise<ReadonlySet<string>>;
  /**
   * Of `symbols`, those another live process holds. undefined when that cannot be known (Redis
   * down): callers then leave other processes' positions and stops alone.
   */
  heldByOthers(symbols: readonly string[]): Promise<ReadonlySet<string> | undefined>;
  /** After a reconcile pass: keep the leases of `symbols` (positions, entries in flight), free the rest. */
  retainOnly(symbols: readonly string[]): Promise<void>;
  /**
   * True for the BOT_ID of another process coordinated with this one (same account, same Redis):
   * its orders are a peer's, not a contest (account-scope.ts), and are taken over when it dies.
   */
  isPeerBot(botId: string | undefined): boolean;
  /**
   * False while isPeerBot may not know every live peer (Redis down, or just (re)connected to a Redis
   * that may have restarted empty): another bot's orders seen then are no evidence of a contest.
   */
  knowsPeers(): boolean;
}

/** One process per account: it owns everything. */
export const SOLE_OWNER: SymbolOwnership = {
  claimForEntry: () => Promise.resolve(true),
  claimForAdoption: () => Promise.resolve(true),
  mayTrade: () => true,
  confirmHeld: () => Promise.resolve(new Set<string>()),
  heldByOthers: () => Promise.resolve(new Set<string>()),
  retainOnly: () => Promise.resolve(),
  isPeerBot: () => false,
  knowsPeers: () => true,
};
