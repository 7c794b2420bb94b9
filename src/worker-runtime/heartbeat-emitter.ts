// Posts `heartbeat` every interval. The timer proves the event loop turns; the progress counter,
// advanced only by the main loop after each completed step, proves the worker actually works.
import type { RuntimeSample } from '../protocol/messages.js';
import { type Clock, type TimerHandle, systemClock } from '../resilience/clock.js';
import type { PostWorkerMessage } from './message-sink.js';

/** Runtime figures to send with each beat, by thread name (see perf/thread-runtime.ts). */
export type RuntimeProvider = () => Record<string, RuntimeSample>;

export class HeartbeatEmitter {
  private counter = 0;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly post: PostWorkerMessage,
    private readonly intervalMs: number,
    private readonly clock: Clock = systemClock,
    private readonly runtime?: RuntimeProvider,
  ) {
    if (!(intervalMs > 0)) throw new RangeError(`heartbeatIntervalMs must be positive, got ${intervalMs}`);
  }

  get progress(): number {
    return this.counter;
  }

  /** Called by the main loop only, once per completed step. */
  advance(): void {
    this.counter++;
  }

  start(): void {
    if (this.timer) return;
    this.beat();
    this.timer = this.clock.setInterval(() => this.beat(), this.intervalMs);
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private beat(): void {
    const runtime = this.runtime?.();
    this.post({ type: 'heartbeat', progress: this.counter, ...(runtime ? { runtime } : {}) });
  }
}
