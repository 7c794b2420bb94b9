// What the executor tells the rest of the bot about trading, one event per thing that happened.
// Plain data (it crosses to the supervisor by structured clone); `describeTradeEvent` renders the
// one readable line the supervisor prints.
import { roundMoney } from '../money/round-money.js';
import type { CloseReason } from '../store/index.js';
import type { PositionSide } from '../store/index.js';

interface Base {
  /** Executor clock, epoch ms. */
  readonly at: number;
  readonly symbol: string;
}

export type TradeEvent =
  | (Base & {
      readonly type: 'opened';
      readonly side: PositionSide;
      readonly size: number;
      readonly entryPrice: number;
      readonly stopPrice: number;
      readonly leverage: number;
      readonly fees: number;
    })
  | (Base & {
      readonly type: 'adopted';
      readonly side: PositionSide;
      readonly size: number;
      readonly entryPrice: number;
      readonly stopPrice: number;
    })
  | (Base & {
      readonly type: 'stop-moved';
      readonly from: number | null;
      readonly to: number /** The mark price the move was made at. */;
      readonly mark?: number;
    })
  | (Base & {
      readonly type: 'closed';
      readonly side: PositionSide;
      readonly size: number;
      readonly entryPrice: number;
      readonly exitPrice: number;
      /** Net of fees. */
      readonly pnl: number;
      readonly fees: number;
      readonly reason: CloseReason;
    })
  | (Base & { readonly type: 'rejected'; readonly stage: RejectStage; readonly reason: string })
  | (Base & {
      readonly type: 'kill-switch';
      readonly reason: string;
      readonly lossToday: number;
      readonly limitAmount: number;
    })
  /** Something needs a human: a position that could not be protected, an outcome left unknown. */
  | (Base & { readonly type: 'alert'; readonly reason: string })
  /**
   * A condition of the executor that lowers the bot's health while it holds (`status` null: it
   * cleared). Sent on every change and after every reconciliation, so a restarted executor's view
   * replaces the previous one's. `symbol` is empty.
   */
  | (Base & {
      readonly type: 'health';
      readonly key: ExecutorConditionKey;
      readonly status: 'DEGRADED' | 'UNHEALTHY' | null;
      readonly reason: string;
    });

/**
 * journal: writes failing; reconcile: intents without an outcome; unsettled: flat without exit fills;
 * taken-over: journal positions on symbols another process took over (REDIS_URL): exits refused here.
 */
export const EXECUTOR_CONDITION_KEYS = ['journal', 'reconcile', 'unsettled', 'taken-over'] as const;
export type ExecutorConditionKey = (typeof EXECUTOR_CONDITION_KEYS)[number];

/** Where an entry or exit was refused. */
/** 'ownership': another process on the account holds the symbol's lease, or Redis cannot prove ours. */
export type RejectStage = 'validation' | 'risk' | 'guard' | 'exchange' | 'ownership' | 'unknown';

export type TradeEventSink = (event: TradeEvent) => void;

const fmt = (n: number): string => (Number.isFinite(n) ? String(Number(n.toFixed(8))) : String(n));

/**
 * The event with its money (PnL, fees, loss figures) at the settlement currency's precision: it is
 * printed, logged, shown on the dashboard and summed by the health monitor from here on.
 */
export function roundTradeMoney(e: TradeEvent): TradeEvent {
  switch (e.type) {
    case 'opened':
      return { ...e, fees: roundMoney(e.fees) };
    case 'closed':
      return { ...e, pnl: roundMoney(e.pnl), fees: roundMoney(e.fees) };
    case 'kill-switch':
      return { ...e, lossToday: roundMoney(e.lossToday), limitAmount: roundMoney(e.limitAmount) };
    default:
      return e;
  }
}

export function describeTradeEvent(e: TradeEvent): string {
  switch (e.type) {
    case 'opened':
      return `OPENED ${e.symbol} ${e.side} ${fmt(e.size)} @ ${fmt(e.entryPrice)} stop ${fmt(e.stopPrice)} x${fmt(e.leverage)} fees ${fmt(e.fees)}`;
    case 'adopted':
      return `ADOPTED ${e.symbol} ${e.side} ${fmt(e.size)} @ ${fmt(e.entryPrice)} stop ${fmt(e.stopPrice)}`;
    case 'stop-moved':
      return `STOP MOVED ${e.symbol} ${e.from === null ? 'none' : fmt(e.from)} -> ${fmt(e.to)}`;
    case 'closed':
      return `CLOSED ${e.symbol} ${e.side} ${fmt(e.size)} ${fmt(e.entryPrice)} -> ${fmt(e.exitPrice)} pnl ${e.pnl.toFixed(2)} fees ${e.fees.toFixed(4)} (${e.reason})`;
    case 'rejected':
      return `REJECTED ${e.symbol} [${e.stage}] ${e.reason}`;
    case 'kill-switch':
      return `KILL SWITCH ${e.reason}`;
    case 'alert':
      return `ALERT ${e.symbol} ${e.reason}`;
    case 'health':
      return `HEALTH ${e.key} ${e.status ?? 'cleared'}${e.status === null ? '' : `: ${e.reason}`}`;
    default: {
      const never: never = e;
      return `event ${JSON.stringify(never)}`;
    }
  }
}
