// The exchange client every worker uses: the real KuCoin client (live venue or the simulator)
// metered by the shared SharedArrayBuffer limiter, guarded by a circuit breaker (closing and stop
// orders bypass it) and classifier-driven retries of idempotent calls, each call recorded for metrics.
import type { ApiCredentials } from '../exchange/credentials.js';
import { KucoinFuturesClient } from '../exchange/kucoin-futures-client.js';
import { resilientPolicy } from '../exchange/resilient-policy.js';
import { CircuitBreaker } from '../resilience/circuit-breaker.js';
import type { VenueSettings } from '../protocol/messages.js';
import type { WorkerContext } from './run-worker.js';

/** The exchange part of a bot worker's settings (see the worker settings in protocol/messages.ts). */
export interface ExchangeSettings {
  readonly venue: VenueSettings;
  /** Retries of an idempotent call inside the client (0 where the caller retries itself). */
  readonly clientRetries: number;
}

const BREAKER_THRESHOLD = 5;
const BREAKER_RECOVERY_MS = 15_000;

export function createWorkerExchangeClient<T>(ctx: WorkerContext<T>, settings: ExchangeSettings): KucoinFuturesClient {
  const { venue } = settings;
  const credentials: ApiCredentials | undefined =
    venue.apiKey === ''
      ? undefined
      : {
          key: venue.apiKey,
          secret: venue.apiSecret,
          passphrase: venue.apiPassphrase,
          keyVersion: venue.apiKeyVersion === 3 ? 3 : 2,
        };
  const breaker = new CircuitBreaker({
    failureThreshold: BREAKER_THRESHOLD,
    recoveryTimeout: BREAKER_RECOVERY_MS,
    name: `${ctx.name} exchange`,
  });
  ctx.metrics.gauge('breakerOpen', 0);
  breaker.onStateChange((change) => {
    // The supervisor turns the gauge into a 'breaker-opened' alert and a degraded verdict.
    ctx.metrics.gauge('breakerOpen', change.to === 'CLOSED' ? 0 : 1);
    ctx.log.warn(`exchange circuit breaker ${change.from} -> ${change.to}`, { reason: change.reason });
  });
  // `npm run ctl -- breaker reset`: the operator knows the exchange is back before a probe does.
  ctx.controls.on('breaker-reset', () => {
    const before = breaker.getState().state;
    breaker.reset();
    return `${ctx.name}: breaker ${before} -> CLOSED`;
  });
  const retries = settings.clientRetries;
  return new KucoinFuturesClient({
    baseUrl: venue.url,
    gate: ctx.gate,
    observer: (record) => ctx.metrics.call(record),
    policy: resilientPolicy({ breaker, retry: retries > 0 ? { maxRetries: retries } : false }),
    ...(credentials ? { credentials } : {}),
  });
}
