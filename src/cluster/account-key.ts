// The account a process trades, as the exchange names it: the uid behind the API key. Several bots
// coordinate per account (KuCoin's quota is per account), so the key must come from the exchange,
// never from the API key string itself (two keys of one account are one account).
import type { KucoinFuturesClient } from '../exchange/kucoin-futures-client.js';

export type AccountInfoSource = Pick<KucoinFuturesClient, 'apiKeyInfo'>;

export async function fetchAccountUid(client: AccountInfoSource): Promise<string> {
  const info = await client.apiKeyInfo();
  return String(info.data.uid);
}
