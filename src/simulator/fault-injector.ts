// Rolls seeded dice for each request so fault-injection tests are reproducible.
import { mulberry32 } from './rng.js';
import { FAULT_PARAM_DEFAULTS, parseFaultSpec, type FaultSpec } from '../../config/fault-spec.js';

export type HttpFault =
  | { readonly kind: 'none'; readonly latencyMs: number }
  | { readonly kind: 'hang'; readonly latencyMs: number }
  | { readonly kind: '5xx'; readonly status: number; readonly latencyMs: number }
  | { readonly kind: '429'; readonly latencyMs: number }
  | { readonly kind: 'malformed'; readonly variant: number; readonly latencyMs: number };

export class FaultInjector {
  private spec: FaultSpec = {};
  private rng: () => number;
  private burstLeft = 0;

  constructor(
    private readonly seed: number,
    initial: FaultSpec | string = {},
  ) {
    this.rng = mulberry32(seed ^ 0x0fa17);
    this.set(initial);
  }

  /** Replaces the active faults (and restarts the dice so a test's sequence is reproducible). */
  set(spec: FaultSpec | string): void {
    this.spec = typeof spec === 'string' ? parseFaultSpec(spec) : { ...spec };
    this.rng = mulberry32(this.seed ^ 0x0fa17);
    this.burstLeft = 0;
  }

  clear(): void {
    this.set({});
  }

  current(): FaultSpec {
    return { ...this.spec };
  }

  /** Decides what happens to one HTTP request. Each kind rolls independently, worst first. */
  nextHttp(): HttpFault {
    const s = this.spec;
    const latencyMs =
      s.latency && this.roll(s.latency.rate) ? (s.latency.param ?? FAULT_PARAM_DEFAULTS.latency ?? 0) : 0;
    if (s.hang && this.roll(s.hang.rate)) return { kind: 'hang', latencyMs };
    if (s['5xx'] && this.roll(s['5xx'].rate)) return { kind: '5xx', status: s['5xx'].param ?? 503, latencyMs };
    if (this.burstLeft > 0) {
      this.burstLeft--;
      return { kind: '429', latencyMs };
    }
    if (s['429'] && this.roll(s['429'].rate)) {
      this.burstLeft = Math.max(0, (s['429'].param ?? 1) - 1);
      return { kind: '429', latencyMs };
    }
    if (s.malformed && this.roll(s.malformed.rate))
      return { kind: 'malformed', variant: Math.floor(this.rng() * 3), latencyMs };
    return { kind: 'none', latencyMs };
  }

  /** Whether to drop a WebSocket connection instead of delivering the next pushed message. */
  nextWsDrop(): boolean {
    return !!this.spec.wsdrop && this.roll(this.spec.wsdrop.rate);
  }

  private roll(rate: number): boolean {
    if (rate <= 0) return false;
    return this.rng() < rate;
  }
}
