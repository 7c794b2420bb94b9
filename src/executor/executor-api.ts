// The order executor's RPC surface, served with comlink to the scanner and the position monitor.
// Every method returns plain data (it crosses a MessagePort) and never throws for an expected
// refusal: callers get `{ accepted: false, reason }`.
import type { Position } from '../store/index.js';

export interface EntryProposal {
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly confidence: number;
  /** Reference entry price (last close). */
  readonly price: number;
  readonly stopPrice?: number;
  readonly takeProfitPrice?: number;
  readonly atr?: number;
  readonly reasons: readonly string[];
}

export type ExitReason = 'stop-loss' | 'take-profit' | 'trailing-stop' | 'kill-switch' | 'manual';

export interface ExitRequest {
  readonly symbol: string;
  readonly reason: ExitReason;
  readonly markPrice: number;
  /**
   * The position the monitor decided on (Position.id). A request that arrives after that position
   * closed gets its trade back and never closes a newer position on the symbol.
   */
  readonly positionId?: number;
}

export type ExecutorDecision =
  | { readonly accepted: true; readonly detail?: string }
  | { readonly accepted: false; readonly reason: string };

export interface ExecutorSnapshot {
  readonly generation: number;
  /** False until the first reconciliation with the exchange finished: no entries before that. */
  readonly reconciled: boolean;
  readonly equity: number | null;
  readonly openPositions: number;
  readonly realisedToday: number;
  readonly killSwitchActive: boolean;
}

/** Every method returns a promise: callers reach it through comlink. */
export interface ExecutorApi {
  /** Proposals best first; the executor opens what its risk limits allow, in that order. */
  proposeEntries(proposals: readonly EntryProposal[]): Promise<ExecutorDecision[]>;
  requestExit(request: ExitRequest): Promise<ExecutorDecision>;
  /** Moves the exchange-side stop; only ever tightens. */
  moveStop(symbol: string, stopPrice: number): Promise<ExecutorDecision>;
  openPositions(): Promise<Position[]>;
  snapshot(): Promise<ExecutorSnapshot>;
}
