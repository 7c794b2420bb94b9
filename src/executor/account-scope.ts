// What on the account is not the bot's, as the latest reconciliation passes saw it: orders and
// positions of a person or of another bot (never touched, reported in /health), and symbols
// contested by another instance of this bot (no entries there while the contest lasts). Plain data
// out (snapshot()); accountScopeNotice() is the part that crosses to the supervisor.
import type { AccountScopeMessage } from '../protocol/messages.js';
import type { Clock } from '../resilience/clock.js';
import type { PositionSide } from '../store/index.js';

/** The alert when another bot trades the same account. An interface: keep the text exactly. */
export const ANOTHER_BOT_ALERT = 'another bot is trading this account (set REDIS_URL to coordinate)';

export interface ForeignPosition {
  readonly symbol: string;
  readonly side: PositionSide;
  readonly size: number;
  readonly entryPrice: number;
  /** 'other-bot' when its opening orders carry another bot's prefix. */
  readonly owner: 'person' | 'other-bot';
}

export interface ContestedSymbol {
  readonly symbol: string;
  /** The latest evidence: another bot's order, or a position larger than the journal filled. */
  readonly reason: string;
  /** Epoch ms of the latest evidence. */
  readonly seenAt: number;
}

export interface AccountScopeSnapshot {
  readonly botId: string;
  /** Live orders and untriggered stop orders on the account that are not the bot's. */
  readonly foreignOrders: number;
  readonly foreignPositions: readonly ForeignPosition[];
  readonly contested: readonly ContestedSymbol[];
}

/** The snapshot as it crosses to the supervisor: only the symbols it reads. */
export function accountScopeNotice(s: AccountScopeSnapshot): AccountScopeMessage['scope'] {
  return {
    botId: s.botId,
    foreignOrders: s.foreignOrders,
    foreignPositions: s.foreignPositions.map((p) => ({ symbol: p.symbol })),
    contested: s.contested.map((c) => ({ symbol: c.symbol })),
  };
}

export class AccountScope {
  private foreignOrders = 0;
  private foreignOpeningSymbols = new Set<string>();
  private foreignPositions = new Map<string, ForeignPosition>();
  private readonly contested = new Map<string, ContestedSymbol>();

  /**
   * @param holdMs how long a symbol stays contested after the last evidence: another bot's orders
   *   come and go, and entries must not resume between two of its trades.
   */
  constructor(
    readonly botId: string,
    private readonly clock: Clock,
    private readonly holdMs = 15 * 60_000,
  ) {}

  /**
   * @param openingSymbols symbols where a foreign order that is not reduce-only waits: if it fills,
   *   one-way mode merges it into whatever the bot holds there.
   */
  setForeignOrders(count: number, openingSymbols: readonly string[] = []): void {
    this.foreignOrders = count;
    this.foreignOpeningSymbols = new Set(openingSymbols);
  }

  /** The complete list from one positions snapshot. */
  setForeignPositions(list: readonly ForeignPosition[]): void {
    this.foreignPositions = new Map(list.map((p) => [p.symbol, p]));
  }

  /** One foreign position seen outside a reconciliation pass (an entry's last look). */
  addForeignPosition(p: ForeignPosition): void {
    this.foreignPositions.set(p.symbol, p);
  }

  foreignPosition(symbol: string): ForeignPosition | undefined {
    return this.foreignPositions.get(symbol);
  }

  /** Records evidence of another bot on `symbol`; true when the symbol was not contested before. */
  contest(symbol: string, reason: string): boolean {
    this.expire();
    const fresh = !this.contested.has(symbol);
    this.contested.set(symbol, { symbol, reason, seenAt: this.clock.now() });
    return fresh;
  }

  /** Why no entry may open on `symbol`, or undefined. */
  entryBlock(symbol: string): string | undefined {
    this.expire();
    const c = this.contested.get(symbol);
    if (c !== undefined) return `${symbol} is contested by another bot (${c.reason}); ${ANOTHER_BOT_ALERT}`;
    const f = this.foreignPositions.get(symbol);
    if (f !== undefined)
      return `${symbol} holds a ${f.side} position that is not the bot's (${f.owner}); one-way mode would merge an entry into it`;
    if (this.foreignOpeningSymbols.has(symbol))
      return `${symbol} has an open order that is not the bot's; if it fills, one-way mode merges it into the bot's position`;
    return undefined;
  }

  snapshot(): AccountScopeSnapshot {
    this.expire();
    return {
      botId: this.botId,
      foreignOrders: this.foreignOrders,
      foreignPositions: [...this.foreignPositions.values()].sort((a, b) => a.symbol.localeCompare(b.symbol)),
      contested: [...this.contested.values()].sort((a, b) => a.symbol.localeCompare(b.symbol)),
    };
  }

  private expire(): void {
    const now = this.clock.now();
    for (const [symbol, c] of this.contested) if (now - c.seenAt > this.holdMs) this.contested.delete(symbol);
  }
}
