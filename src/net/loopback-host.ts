// Which host names and addresses stay on this machine. One answer for the status server (may it
// listen without a token? which Host headers are its own?) and the alert webhook (may it speak
// plain http?), so the two can never disagree about what "local" means.
import { isIP } from 'node:net';

/** Names that resolve to loopback by definition (RFC 6761 reserves `localhost` and its subdomains). */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'] as const;

/** Lower-cased, brackets and a trailing dot removed: `[::1]` -> `::1`, `LOCALHOST.` -> `localhost`. */
export function normaliseHostName(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

/** True for `localhost` (and `*.localhost`), 127.0.0.0/8, ::1 and ::ffff:127.x.y.z. */
export function isLoopbackHost(host: string): boolean {
  const h = normaliseHostName(host);
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

/** The loopback names every local server answers to, normalised. */
export function loopbackNames(): readonly string[] {
  return LOOPBACK_NAMES;
}
