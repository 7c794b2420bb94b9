// The live-key check at start: what may this API key do? A key that can withdraw (Transfer) turns a
// leaked secret into lost funds, so it is refused unless the operator says otherwise; a key without
// Futures would have every order refused, so it is refused with the fix; a key usable from any
// address is allowed but warned about. The rule is a pure function; the runner asks the exchange.
import type { ApiKeyInfo } from './schemas/index.js';

export interface ApiKeyPolicy {
  /** ALLOW_WITHDRAWAL_KEY=1. */
  readonly allowWithdrawal: boolean;
}

export interface ApiKeyVerdict {
  /** Reasons not to start; empty when the key may be used. */
  readonly refusals: readonly string[];
  readonly warnings: readonly string[];
  /** Whose key it is, for the log: uid and sub-account (never the key). */
  readonly account: {
    readonly uid: string;
    readonly subAccount: string | null;
    readonly permissions: readonly string[];
  };
}

export function judgeApiKey(info: ApiKeyInfo, policy: ApiKeyPolicy): ApiKeyVerdict {
  const refusals: string[] = [];
  const warnings: string[] = [];
  const has = (p: string): boolean => info.permission.includes(p);
  if (has('Transfer') && !policy.allowWithdrawal) {
    refusals.push(
      'KUCOIN_API_KEY has the Transfer (withdrawal) permission: whoever obtains it can move funds off the exchange. ' +
        'Create a key for the bot without Transfer (General + Futures is enough), or set ALLOW_WITHDRAWAL_KEY=1 to accept the risk',
    );
  }
  if (!has('Futures')) {
    refusals.push(
      'KUCOIN_API_KEY lacks the Futures permission, so KuCoin would refuse every order. ' +
        'In KuCoin > API Management, edit the key and tick "Futures" (or create a new key with General + Futures), then restart',
    );
  }
  if (info.ipWhitelist.length === 0) {
    warnings.push(
      'KUCOIN_API_KEY has no IP whitelist: anyone who obtains it can use it from anywhere. ' +
        "Restrict it to this machine's public address in KuCoin > API Management",
    );
  }
  const subAccount = info.isMaster ? null : (info.subName ?? null);
  return { refusals, warnings, account: { uid: info.uid, subAccount, permissions: info.permission } };
}

export interface ApiKeyCheckLog {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
}

/** Asks the exchange about the key, logs whose it is and the warnings, and returns the verdict. */
export async function checkApiKey(
  client: { apiKeyInfo(): Promise<{ data: ApiKeyInfo }> },
  policy: ApiKeyPolicy,
  log: ApiKeyCheckLog,
): Promise<ApiKeyVerdict> {
  const { data } = await client.apiKeyInfo();
  const verdict = judgeApiKey(data, policy);
  const { uid, subAccount, permissions } = verdict.account;
  log.info('live API key checked', {
    uid,
    subAccount: subAccount ?? '(master account)',
    permissions: permissions.join(','),
  });
  for (const w of verdict.warnings) log.warn(w);
  return verdict;
}
