// clientOids: made once per intent and reused for every retry of it. KuCoin accepts 1-40
// characters of [A-Za-z0-9_-]; the exchange deduplicates on it, which is what makes a re-send safe.
//
// Every clientOid starts with `kb_<botId>_`: the namespace of this bot instance on the account. The
// bot recognises its own orders, stop orders and fills by it (and by its journal), and a
// different `kb_<id>_` on the account is another copy of this bot trading the same account.
import { createHash, randomBytes } from 'node:crypto';
import { type Clock, systemClock } from '../resilience/clock.js';

export type ClientOidFactory = ((kind: string) => string) & {
  /** The same clientOid for the same `key`, every time (see derivedClientOid). */
  readonly derive?: (kind: string, key: string) => string;
};

const VALID = /^[A-Za-z0-9_-]{1,40}$/;
/** BOT_ID: 1-12 letters or digits, so the prefix (at most 16) leaves 24 characters for uniqueness. */
export const BOT_ID_PATTERN = /^[A-Za-z0-9]{1,12}$/;
const BOT_PREFIX = /^kb_([A-Za-z0-9]{1,12})_/;

export function isValidClientOid(value: unknown): value is string {
  return typeof value === 'string' && VALID.test(value);
}

export function isValidBotId(value: unknown): value is string {
  return typeof value === 'string' && BOT_ID_PATTERN.test(value);
}

/** The clientOid prefix of bot `botId`. */
export function botPrefix(botId: string): string {
  if (!isValidBotId(botId)) throw new RangeError(`BOT_ID must be 1-12 letters or digits, got ${JSON.stringify(botId)}`);
  return `kb_${botId}_`;
}

/** The bot id a clientOid was sent under, if it carries a bot prefix at all (a person's does not). */
export function botIdOf(clientOid: string | null | undefined): string | undefined {
  if (typeof clientOid !== 'string') return undefined;
  return BOT_PREFIX.exec(clientOid)?.[1];
}

/** A new bot id: 8 base-36 characters from `random` (default crypto), e.g. `k3x9q0ab`. */
export function createBotId(random: () => Buffer = () => randomBytes(8)): string {
  const bytes = random();
  let id = '';
  for (let i = 0; i < 8; i++) id += ((bytes[i] ?? 0) % 36).toString(36);
  return id;
}

/**
 * `kb_<botId>_<kind initial><time base36><counter base36><random>`: unique across restarts (time and
 * randomness) and within one run (counter), and at most 40 characters (the random tail is cut to
 * fit a long bot id). Deterministic when `clock` and `random` are.
 */
export function createClientOidFactory(
  options: { botId?: string; clock?: Pick<Clock, 'now'>; random?: () => string } = {},
): ClientOidFactory {
  const prefix = botPrefix(options.botId ?? 'bot');
  const clock = options.clock ?? systemClock;
  const random = options.random ?? ((): string => randomBytes(6).toString('hex'));
  let counter = 0;
  const make = (kind: string): string => {
    counter = (counter + 1) % 1_679_616; // 36^4
    const initial = /^[A-Za-z]/.test(kind) ? kind.charAt(0).toLowerCase() : 'x';
    const tail =
      `${initial}${Math.trunc(clock.now()).toString(36)}${counter.toString(36).padStart(4, '0')}${random()}`.replace(
        /[^A-Za-z0-9]/g,
        '',
      );
    const oid = `${prefix}${tail}`.slice(0, 40);
    if (!VALID.test(oid)) throw new Error(`generated clientOid ${oid} is invalid`);
    return oid;
  };
  return Object.assign(make, { derive: (kind: string, key: string) => derivedClientOid(prefix, kind, key) });
}

/**
 * `<prefix><kind initial><hash of key>`: the same for the same key. For protective orders (exits,
 * stops) whose clientOid derives from the position and the exit: sent again after an unknown
 * outcome, or while the journal cannot record the first attempt, it is the same order to the
 * exchange, never a second one.
 */
export function derivedClientOid(prefix: string, kind: string, key: string): string {
  const initial = /^[A-Za-z]/.test(kind) ? kind.charAt(0).toLowerCase() : 'x';
  return `${prefix}${initial}${createHash('sha256').update(key).digest('hex')}`.slice(0, 40);
}

/** The factory's derivation, or bot `botId`'s for a plain factory function (tests). */
export function deriveClientOid(factory: ClientOidFactory, botId: string, kind: string, key: string): string {
  return factory.derive?.(kind, key) ?? derivedClientOid(botPrefix(botId), kind, key);
}
