// The order executor's RPC surface, served with comlink to the scanner and the position monitor.
// Every method returns plain data (it crosses a MessagePort) and never throws for an expected
// refusal: callers get `{ accepted: false, reason }`.
import type { CloseReason, Position } from '../store/index.js';
import type { Side } from '../strategy/signal-types.js';

/**
 * An entry the scanner proposes: the one proposal type from scanner to executor (the scanner's
 * SignalResult with a side, cut to what opening reads; OrderExecutor.openPosition takes it as is).
 */
export interface EntryProposal {
  readonly symbol: string;
  readonly side: Side;
  /** Reference entry price (last close). */
  readonly price: number;
  /** ATR-based stop; else `atrStopMultiple` x atr from the price. */
  readonly stopPrice?: number;
  readonly takeProfitPrice?: number;
  readonly atr?: number;
}

/** Why a close is asked for: the same words the journal stores as close_reason. */
export const EXIT_REASONS = [
  'stop',
  'take-profit',
  'trailing',
  'kill-switch',
  'manual',
] as const satisfies readonly CloseReason[];
export type ExitReason = (typeof EXIT_REASONS)[number];

export function isExitReason(value: unknown): value is ExitReason {
  return (EXIT_REASONS as readonly unknown[]).includes(value);
}

export interface ExitRequest {
  readonly symbol: string;
  readonly reason: ExitReason;
  /**
   * The position the monitor decided on (Position.id). A request that arrives after that position
   * closed gets its trade back and never closes a newer position on the symbol.
   */
  readonly positionId?: number;
}

export type ExecutorDecision =
  | { readonly accepted: true; readonly detail?: string }
  | { readonly accepted: false; readonly reason: string };

/** Every method returns a promise: callers reach it through comlink. */
export interface ExecutorApi {
  /** Proposals best first; the executor opens what its risk limits allow, in that order. */
  proposeEntries(proposals: readonly EntryProposal[]): Promise<ExecutorDecision[]>;
  requestExit(request: ExitRequest): Promise<ExecutorDecision>;
  /** Moves the exchange-side stop; only ever tightens. */
  moveStop(symbol: string, stopPrice: number): Promise<ExecutorDecision>;
  openPositions(): Promise<Position[]>;
}
