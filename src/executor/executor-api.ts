// The order executor's RPC surface (served with comlink to the scanner and the position monitor),
// and the issue-4 stand-in behind it: it records requests and refreshes the account, but places no
// orders yet. The trading issue replaces `createStandInExecutor` / `createExecutorLoop` while keeping
// `ExecutorApi`, so the workers' wiring does not change.
import type { AccountOverview } from '../exchange/schemas/index.js';
import type { ExchangeResult } from '../exchange/call-policy.js';
import type { MetricsSink } from '../worker-runtime/metrics-sender.js';
import type { WorkerLog } from '../worker-runtime/worker-log.js';
import type { WorkerLoop } from '../worker-runtime/worker-loop.js';

export interface EntryProposal {
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly confidence: number;
  readonly price: number;
  readonly stopPrice?: number;
  readonly takeProfitPrice?: number;
  readonly reasons: readonly string[];
}

export interface ExitRequest {
  readonly symbol: string;
  readonly reason: 'stop-loss' | 'take-profit' | 'trailing-stop' | 'kill-switch' | 'manual';
  readonly markPrice: number;
}

export type ExecutorDecision =
  | { readonly accepted: true; readonly clientOid: string }
  | { readonly accepted: false; readonly reason: string };

export interface ExecutorSnapshot {
  readonly generation: number;
  readonly equity: number | null;
  readonly proposalsSeen: number;
  readonly exitsSeen: number;
}

/** Every method returns a promise: callers reach it through comlink. */
export interface ExecutorApi {
  proposeEntry(proposal: EntryProposal): Promise<ExecutorDecision>;
  requestExit(request: ExitRequest): Promise<ExecutorDecision>;
  snapshot(): Promise<ExecutorSnapshot>;
}

export interface ExecutorAccount {
  accountOverview(currency?: string): Promise<ExchangeResult<AccountOverview>>;
}

export interface StandInExecutorDeps {
  readonly generation: number;
  readonly log: WorkerLog;
  readonly metrics: MetricsSink;
}

export interface StandInExecutor extends ExecutorApi {
  setEquity(equity: number): void;
}

export function createStandInExecutor(deps: StandInExecutorDeps): StandInExecutor {
  let equity: number | null = null;
  let proposalsSeen = 0;
  let exitsSeen = 0;
  const refuse = (reason: string): ExecutorDecision => ({ accepted: false, reason });
  return {
    setEquity: (v) => void (equity = v),
    async proposeEntry(p) {
      proposalsSeen++;
      deps.metrics.count('proposalsReceived');
      deps.log.info('entry proposal received (stand-in executor: no orders yet)', { symbol: p.symbol, side: p.side, confidence: p.confidence });
      return refuse('stand-in executor does not trade yet');
    },
    async requestExit(r) {
      exitsSeen++;
      deps.metrics.count('exitRequestsReceived');
      deps.log.info('exit request received (stand-in executor: no orders yet)', { symbol: r.symbol, reason: r.reason });
      return refuse('stand-in executor does not trade yet');
    },
    async snapshot() {
      return { generation: deps.generation, equity, proposalsSeen, exitsSeen };
    },
  };
}

export interface ExecutorLoopDeps {
  readonly account: ExecutorAccount;
  readonly executor: StandInExecutor;
  readonly metrics: MetricsSink;
  readonly log: WorkerLog;
  /** Pause between account refreshes. */
  readonly intervalMs: number;
}

/** The executor's own loop: keeps the account view fresh (the trading issue adds reconciliation). */
export function createExecutorLoop(deps: ExecutorLoopDeps): WorkerLoop {
  return {
    intervalMs: deps.intervalMs,
    async step() {
      try {
        const { data } = await deps.account.accountOverview('USDT');
        deps.executor.setEquity(data.accountEquity);
        deps.metrics.gauge('equity', data.accountEquity);
        deps.metrics.count('accountRefreshes');
      } catch (err) {
        deps.metrics.count('accountRefreshErrors');
        deps.log.warn('account refresh failed', { error: (err as Error).message });
      }
    },
  };
}
