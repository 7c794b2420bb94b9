// The exchange client every worker uses: the real KuCoin client (live venue or the embedded
// simulator) metered by the shared SharedArrayBuffer limiter, with each call recorded for metrics.
import type { ApiCredentials } from '../exchange/credentials.js';
import { KucoinFuturesClient } from '../exchange/kucoin-futures-client.js';
import type { WorkerContext } from './run-worker.js';
import { numberSetting, stringSetting } from './worker-settings.js';

/** Settings keys the supervisor fills for exchange access. */
export const EXCHANGE_SETTINGS = {
  url: 'exchangeUrl',
  apiKey: 'apiKey',
  apiSecret: 'apiSecret',
  apiPassphrase: 'apiPassphrase',
  apiKeyVersion: 'apiKeyVersion',
} as const;

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
  return new KucoinFuturesClient({
    baseUrl: stringSetting(s, EXCHANGE_SETTINGS.url, ''),
    gate: ctx.gate,
    observer: (record) => ctx.metrics.call(record),
    ...(credentials ? { credentials } : {}),
  });
}
