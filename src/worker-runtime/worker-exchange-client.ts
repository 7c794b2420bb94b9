// The exchange client every worker uses: the real KuCoin client (live venue or the simulator)
// metered by the shared SharedArrayBuffer limiter, guarded by a circuit breaker (closing and stop
// orders bypass it) and classifier-driven retries of idempotent calls, each call recorded for metrics.
import type { ApiCredentials } from '../exchange/credentials.js';
import { KucoinFuturesClient } from '../exchange/kucoin-futures-client.js';
import { resilientPolicy } from '../exchange/resilient-policy.js';
import { CircuitBreaker } from '../resilience/circuit-breaker.js';
import type { WorkerContext } from './run-worker.js';
import { numberSetting, stringSetting } from './worker-settings.js';

/** Settings keys the supervisor fills for exchange access. */
export const EXCHANGE_SETTINGS = {
  url: 'exchangeUrl',
  apiKey: 'apiKey',
  apiSecret: 'apiSecret',
  apiPassphrase: 'apiPassphrase',
  apiKeyVersion: 'apiKeyVersion',
  /** Retries of an idempotent call inside the client (0 where the caller retries itself). */
  clientRetries: 'clientRetries',
} as const;

const BREAKER_THRESHOLD = 5;
const BREAKER_RECOVERY_MS = 15_000;

export function createWorkerExchangeClient<T>(ctx: WorkerContext<T>): KucoinFuturesClient {
  const s = ctx.settings;
  const key = stringSetting(s, EXCHANGE_SETTINGS.apiKey, '');
  const version = numberSetting(s, EXCHANGE_SETTINGS.apiKeyVersion, 2);
  const credentials: ApiCredentials | undefined =
    key === ''
      ? undefined
      : {
          key,
          secret: stringSetting(s, EXCHANGE_SETTINGS.apiSecret, ''),
          passphrase: stringSetting(s, EXCHANGE_SETTINGS.apiPassphrase, ''),
          keyVersion: version === 3 ? 3 : 2,
        };
  const breaker = new CircuitBreaker({ failureThreshold: BREAKER_THRESHOLD, recoveryTimeout: BREAKER_RECOVERY_MS, name: `${ctx.name} exchange` });
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
  const retries = numberSetting(s, EXCHANGE_SETTINGS.clientRetries, 2);
  return new KucoinFuturesClient({
    baseUrl: stringSetting(s, EXCHANGE_SETTINGS.url, ''),
    gate: ctx.gate,
    observer: (record) => ctx.metrics.call(record),
    policy: resilientPolicy({ breaker, retry: retries > 0 ? { maxRetries: retries } : false }),
    ...(credentials ? { credentials } : {}),
  });
}
