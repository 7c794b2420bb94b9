// clientOids: made once per intent and reused for every retry of it. KuCoin accepts 1-40
// characters of [A-Za-z0-9_-]; the exchange deduplicates on it, which is what makes a re-send safe.
import { randomBytes } from 'node:crypto';

export type ClientOidFactory = (kind: string) => string;

const VALID = /^[A-Za-z0-9_-]{1,40}$/;

export function isValidClientOid(value: unknown): value is string {
  return typeof value === 'string' && VALID.test(value);
}

/**
 * `<prefix><kind initial><time base36><counter base36><random>`: unique across restarts (time and
 * randomness) and within one run (counter), and at most 40 characters.
 */
export function createClientOidFactory(options: { prefix?: string; now?: () => number; random?: () => string } = {}): ClientOidFactory {
  const prefix = options.prefix ?? 'kb';
  if (!/^[A-Za-z0-9]{0,8}$/.test(prefix)) throw new RangeError(`clientOid prefix must be 0-8 alphanumerics, got ${prefix}`);
  const now = options.now ?? Date.now;
  const random = options.random ?? ((): string => randomBytes(6).toString('hex'));
  let counter = 0;
  return (kind: string): string => {
    counter = (counter + 1) % 1_679_616; // 36^4
    const initial = /^[A-Za-z]/.test(kind) ? kind[0]!.toLowerCase() : 'x';
    const oid = `${prefix}${initial}${Math.trunc(now()).toString(36)}${counter.toString(36).padStart(4, '0')}${random()}`
      .replace(/[^A-Za-z0-9_-]/g, '')
      .slice(0, 40);
    if (!VALID.test(oid)) throw new Error(`generated clientOid ${oid} is invalid`);
    return oid;
  };
}
