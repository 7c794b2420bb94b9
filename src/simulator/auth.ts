// KuCoin API-key authentication: the headers, prehash and error codes KuCoin documents.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { KUCOIN_CODES } from '../exchange/error-codes.js';
import type { Clock } from '../resilience/clock.js';
import { SimError } from './sim-error.js';

export interface ApiCredentials {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly apiPassphrase: string;
}

export interface AuthOptions {
  readonly credentials: ApiCredentials;
  /** Real wall clock (never the fast sim clock): clients sign with their own real time. */
  readonly clock: Pick<Clock, 'now'>;
  /** Allowed clock skew; KuCoin allows 5 s. */
  readonly windowMs?: number;
  /** When set, requests from other addresses get 400006. */
  readonly ipWhitelist?: readonly string[];
  /** A key without trade permission gets 400007 on trading endpoints. */
  readonly canTrade?: boolean;
}

export interface AuthRequest {
  readonly method: string;
  /** Path plus query exactly as received on the request line. */
  readonly rawUrl: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly remoteAddress: string;
  /** Whether this endpoint trades (place/cancel). */
  readonly trading: boolean;
}

export function hmacBase64(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('base64');
}

/** The string KuCoin signs: timestamp + METHOD + path[?query] + body, with an empty '?' dropped. */
export function prehash(timestamp: string, method: string, rawUrl: string, body: string): string {
  const url = rawUrl.endsWith('?') ? rawUrl.slice(0, -1) : rawUrl;
  return timestamp + method.toUpperCase() + url + body;
}

function header(h: AuthRequest['headers'], name: string): string | undefined {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function fail(code: string, msg: string): SimError {
  return new SimError(code, msg, 401);
}

/** Throws the KuCoin auth error for the first check that fails; returns the key on success. */
export function authenticate(req: AuthRequest, opts: AuthOptions): string {
  const key = header(req.headers, 'KC-API-KEY');
  const sign = header(req.headers, 'KC-API-SIGN');
  const ts = header(req.headers, 'KC-API-TIMESTAMP');
  const pass = header(req.headers, 'KC-API-PASSPHRASE');
  const version = header(req.headers, 'KC-API-KEY-VERSION') ?? '1';
  if (!key || !sign || !ts || !pass) {
    throw fail(
      KUCOIN_CODES.authMissingHeader,
      'Any of KC-API-KEY, KC-API-SIGN, KC-API-TIMESTAMP, KC-API-PASSPHRASE is missing in your request header.',
    );
  }
  const tsMs = Number(ts);
  if (!/^\d+$/.test(ts) || Math.abs(opts.clock.now() - tsMs) > (opts.windowMs ?? 5000)) {
    throw fail(
      KUCOIN_CODES.authTimestampInvalid,
      'KC-API-TIMESTAMP Invalid -- Time differs from server time by more than 5 seconds',
    );
  }
  const { apiKey, apiSecret, apiPassphrase } = opts.credentials;
  if (!same(key, apiKey)) throw fail(KUCOIN_CODES.authKeyNotExists, 'KC-API-KEY not exists');
  const expectedPass =
    version === '2' || version === '3' ? hmacBase64(apiSecret, apiPassphrase) : version === '1' ? apiPassphrase : null;
  if (expectedPass === null || !same(pass, expectedPass))
    throw fail(KUCOIN_CODES.authPassphraseInvalid, 'KC-API-PASSPHRASE error');
  const expectedSign = hmacBase64(apiSecret, prehash(ts, req.method, req.rawUrl, req.body));
  if (!same(sign, expectedSign))
    throw fail(KUCOIN_CODES.authSignatureInvalid, 'Signature error - Please check your signature');
  if (opts.ipWhitelist && !opts.ipWhitelist.includes(req.remoteAddress)) {
    throw fail(KUCOIN_CODES.authIpNotAllowed, `Invalid request ip, the current clientIp is:${req.remoteAddress}`);
  }
  if (req.trading && opts.canTrade === false) {
    throw fail(KUCOIN_CODES.authAccessDenied, 'Access denied, require more permission.');
  }
  return key;
}
