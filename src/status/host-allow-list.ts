// Which Host headers the status server answers. A page on another site can make the operator's
// browser reach 127.0.0.1 through DNS rebinding (evil.example resolving to loopback): the browser then
// treats our answers as evil.example's and lets its script read them. The one thing such a request
// cannot fake is its Host header, so only our own names are served; everything else gets 421.
import { isLoopbackHost, loopbackNames, normaliseHostName } from '../net/loopback-host.js';

/** Bind addresses meaning "every interface": not a name a client ever sends. */
const WILDCARD_BINDS = new Set(['0.0.0.0', '::']);

export class HostAllowList {
  private readonly names: ReadonlySet<string>;

  /** Loopback names, the bind host (unless a wildcard) and the extra names (STATUS_ALLOWED_HOSTS). */
  constructor(bindHost: string, extra: readonly string[] = []) {
    const names = new Set<string>(loopbackNames());
    const bind = normaliseHostName(bindHost);
    if (!WILDCARD_BINDS.has(bind)) names.add(bind);
    for (const name of extra) {
      const n = normaliseHostName(name);
      if (n !== '') names.add(n);
    }
    this.names = names;
  }

  /** The allowed names, for the 421 answer and the docs. */
  get allowed(): readonly string[] {
    return [...this.names];
  }

  /** True when the Host header (port ignored) names this server; a missing Host is refused. */
  allows(hostHeader: string | undefined): boolean {
    if (hostHeader === undefined) return false;
    const name = hostName(hostHeader);
    if (name === null) return false;
    // Loopback in any spelling (127.0.0.2, foo.localhost) cannot be rebound: no DNS answer is involved.
    return this.names.has(name) || isLoopbackHost(name);
  }
}

/** The host part of a Host header (`[::1]:8787` -> `::1`, `Example.COM:80` -> `example.com`), or null. */
export function hostName(hostHeader: string): string | null {
  const h = hostHeader.trim();
  if (h === '') return null;
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    if (end < 0) return null;
    const rest = h.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return null;
    return normaliseHostName(h.slice(0, end + 1));
  }
  const colon = h.lastIndexOf(':');
  if (colon >= 0) {
    if (!/^\d{1,5}$/.test(h.slice(colon + 1))) return null;
    return normaliseHostName(h.slice(0, colon));
  }
  return normaliseHostName(h);
}

/** STATUS_ALLOWED_HOSTS ("a.example, b.example") as a list. */
export function parseHostList(raw: string): string[] {
  return raw
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
}
