// The one admission check every status-server request passes before any routing, so an endpoint
// added later (a control POST, a profile page) is behind it without asking: first the Host header
// (DNS rebinding, answered 421), then the bearer token. Only /health has an anonymous answer, and
// only the liveness verdict (see StatusServer).
import type { IncomingHttpHeaders } from 'node:http';
import { HostAllowList } from './host-allow-list.js';
import { TokenGuard } from './token-guard.js';

/**
 * - `wrong-host`: the Host header is not one of our names: refuse (421) whatever the path.
 * - `anonymous`: a token is configured and the request does not carry it.
 * - `authorised`: the right token, or no token configured (loopback only, see the start-up check).
 */
export type Admission = 'wrong-host' | 'anonymous' | 'authorised';

export class RequestGuard {
  constructor(
    private readonly hosts: HostAllowList,
    private readonly token: TokenGuard,
  ) {}

  get tokenRequired(): boolean {
    return this.token.enabled;
  }

  get allowedHosts(): readonly string[] {
    return this.hosts.allowed;
  }

  admit(headers: IncomingHttpHeaders, url: URL): Admission {
    if (!this.hosts.allows(headers.host)) return 'wrong-host';
    return this.token.allows(headers, url) ? 'authorised' : 'anonymous';
  }
}
