import type { RuntimeSample } from '../protocol/messages.js';
// Payloads of the supervisor's public events (subscribed with onX, e.g. by the health monitor).
import type { AccountScopeMessage, MetricsMessage, TradeMessage } from '../protocol/messages.js';
import type { WireError } from '../protocol/wire-error.js';
import type { StallVerdict } from './stall-detector.js';

/** What the supervisor knew about a worker when it failed (also written to the restart log). */
export interface FailureEvidence {
  /** ms since the last heartbeat; null if none arrived. */
  readonly lastHeartbeatAgeMs: number | null;
  readonly progress: number;
  /** Parent-side event-loop utilisation of the worker since its last heartbeat. */
  readonly eventLoopUtilization: number | null;
  readonly generation: number;
  readonly restartCount: number;
}

export interface StallEvent {
  readonly worker: string;
  readonly verdict: StallVerdict;
  readonly evidence: FailureEvidence;
  readonly at: number;
}

export interface CrashEvent {
  readonly worker: string;
  readonly reason: string;
  readonly exitCode: number | undefined;
  readonly evidence: FailureEvidence;
  readonly at: number;
}

export interface RestartEvent {
  readonly worker: string;
  readonly reason: 'stall' | 'crash';
  /** Restarts of this worker since the supervisor started. */
  readonly restartCount: number;
  /** Restarts within the budget window, this one included. */
  readonly inWindow: number;
  readonly delayMs: number;
  readonly at: number;
}

export interface ReadyEvent {
  readonly worker: string;
  readonly generation: number;
  readonly threadId: number;
  readonly at: number;
}

export interface HeartbeatEvent {
  readonly worker: string;
  readonly generation: number;
  readonly progress: number;
  readonly at: number;
  /** Runtime figures by thread name (the worker's own and threads it owns), when sent. */
  readonly runtime?: Readonly<Record<string, RuntimeSample>>;
}

export interface WorkerMetricsEvent {
  readonly worker: string;
  readonly generation: number;
  readonly metrics: MetricsMessage;
}

export interface WorkerErrorEvent {
  readonly worker: string;
  readonly error: WireError;
  readonly fatal: boolean;
  /** Supervisor clock at arrival. */
  readonly at: number;
}

export interface EscalationEvent {
  readonly worker: string;
  readonly failuresInWindow: number;
  readonly windowMs: number;
  readonly at: number;
}

export interface ProtocolRejectEvent {
  readonly worker: string;
  readonly problem: string;
  readonly description: string;
  /** Rejected messages from this worker incarnation so far. */
  readonly count: number;
}

export interface SupervisorResult {
  readonly reason: string;
  /** 0 for a requested stop; non-zero after an escalation. */
  readonly exitCode: number;
  /** Workers that did not exit within the shutdown timeout and were terminated. */
  readonly terminated: readonly string[];
}

export interface WorkerStatus {
  readonly name: string;
  readonly phase: string;
  readonly generation: number;
  readonly restarts: number;
  readonly lastHeartbeatAt: number | null;
  readonly progress: number;
  readonly rejectedMessages: number;
  readonly lastMetrics: MetricsMessage | undefined;
}

/** A trading event relayed from the executor; `event` was validated on receipt. */
export interface TradeNotice {
  readonly worker: string;
  readonly event: TradeMessage['event'];
}

/** What on the account is not the bot's, relayed from the executor after each reconciliation. */
export interface AccountScopeNotice {
  readonly worker: string;
  readonly scope: AccountScopeMessage['scope'];
}
