// KuCoin API-key permissions as the API-key info endpoint spells them (`permission: "General,Futures"`).
// One list for the simulator's SIM_KEY_PERMISSIONS and the live-key check.

/** Per KuCoin's API-key documentation (and the SDK's GetApikeyInfoResp). */
export const KEY_PERMISSIONS = ['General', 'Spot', 'Margin', 'Futures', 'InnerTransfer', 'Transfer', 'Earn'] as const;

export type KeyPermission = (typeof KEY_PERMISSIONS)[number];

/** "General, Futures" -> ['General', 'Futures']; throws naming an unknown permission. */
export function parseKeyPermissions(raw: string): KeyPermission[] {
  const parts = raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const out: KeyPermission[] = [];
  for (const p of parts) {
    if (!(KEY_PERMISSIONS as readonly string[]).includes(p)) {
      throw new RangeError(`unknown API-key permission ${JSON.stringify(p)} (known: ${KEY_PERMISSIONS.join(', ')})`);
    }
    if (!out.includes(p as KeyPermission)) out.push(p as KeyPermission);
  }
  return out;
}
