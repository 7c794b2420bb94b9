// Live mode asks KuCoin what the configured API key may do before anything trades (see
// src/exchange/api-key-check.ts for the rule). The answer decides whether the bot starts at all.
import type { AppConfig } from '../src/config/load-config.js';
import { checkApiKey, type ApiKeyCheckLog } from '../src/exchange/api-key-check.js';
import { KucoinFuturesClient } from '../src/exchange/kucoin-futures-client.js';

export type LiveKeyOutcome =
  | { readonly kind: 'accepted' }
  /** Refused by the rule: exit 2, like any other setting to fix. */
  | { readonly kind: 'refused'; readonly reasons: readonly string[] }
  /** The exchange could not be asked: fail closed, exit 1 (pm2 retries with backoff). */
  | { readonly kind: 'unchecked'; readonly reason: string };

export async function verifyLiveKey(config: AppConfig, log: ApiKeyCheckLog): Promise<LiveKeyOutcome> {
  const client = new KucoinFuturesClient({
    baseUrl: config.kucoinFuturesUrl,
    credentials: {
      key: config.kucoinApiKey,
      secret: config.kucoinApiSecret,
      passphrase: config.kucoinApiPassphrase,
      // As the workers sign (worker-exchange-client.ts): version 1 keys are signed like version 2.
      keyVersion: config.kucoinApiKeyVersion === '3' ? 3 : 2,
    },
  });
  try {
    const verdict = await checkApiKey(client, { allowWithdrawal: config.allowWithdrawalKey === '1' }, log);
    return verdict.refusals.length > 0 ? { kind: 'refused', reasons: verdict.refusals } : { kind: 'accepted' };
  } catch (err) {
    return { kind: 'unchecked', reason: (err as Error).message };
  }
}
