// A tiny KuCoin-style REST client for the simulator tests: signs exactly as KuCoin documents
// (prehash = timestamp + METHOD + path?query + body, HMAC-SHA256 base64, passphrase HMAC'd for v2/3).
import { createHmac } from 'node:crypto';
import { request, Agent } from 'node:http';

export interface Creds {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly apiPassphrase: string;
}

export interface SimResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
  /** Parsed body, or undefined when it is not JSON. */
  readonly json: { code: string; msg?: string; data?: unknown } | undefined;
}

export interface SignOverrides {
  readonly timestamp?: string;
  readonly sign?: string;
  readonly passphrase?: string;
  readonly apiKey?: string;
  readonly keyVersion?: string;
  /** Headers to drop entirely. */
  readonly omit?: readonly string[];
}

export function hmac(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('base64');
}

export class SimClient {
  // A fresh connection per request: a kept-alive socket reused just as the server's 5 s idle timeout
  // closes it fails with "socket hang up", which a loaded machine made happen in the e2e suite.
  private readonly agent = new Agent({ keepAlive: false });

  constructor(
    private readonly baseUrl: string,
    private readonly creds: Creds,
  ) {}

  get(pathAndQuery: string, signed = false, overrides?: SignOverrides): Promise<SimResponse> {
    return this.send('GET', pathAndQuery, undefined, signed, overrides);
  }

  post(path: string, body: unknown, signed = true, overrides?: SignOverrides): Promise<SimResponse> {
    return this.send('POST', path, body === undefined ? undefined : JSON.stringify(body), signed, overrides);
  }

  del(pathAndQuery: string, overrides?: SignOverrides): Promise<SimResponse> {
    return this.send('DELETE', pathAndQuery, undefined, true, overrides);
  }

  /** Signed or public request; returns `data` or throws with the KuCoin code. */
  async data<T = unknown>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
    signed = method !== 'GET' ||
      path.includes('/account') ||
      path.includes('/position') ||
      path.includes('/orders') ||
      path.includes('/fills') ||
      path.includes('/stopOrders'),
  ): Promise<T> {
    const r = await this.send(method, path, body === undefined ? undefined : JSON.stringify(body), signed);
    if (r.json?.code !== '200000') throw new Error(`${method} ${path} -> HTTP ${r.status} ${r.text}`);
    return r.json.data as T;
  }

  headersFor(method: string, pathAndQuery: string, body: string, o: SignOverrides = {}): Record<string, string> {
    const ts = o.timestamp ?? String(Date.now());
    const version = o.keyVersion ?? '2';
    const h: Record<string, string> = {
      'KC-API-KEY': o.apiKey ?? this.creds.apiKey,
      'KC-API-SIGN': o.sign ?? hmac(this.creds.apiSecret, ts + method + pathAndQuery + body),
      'KC-API-TIMESTAMP': ts,
      'KC-API-PASSPHRASE':
        o.passphrase ??
        (version === '1' ? this.creds.apiPassphrase : hmac(this.creds.apiSecret, this.creds.apiPassphrase)),
      'KC-API-KEY-VERSION': version,
    };
    for (const k of o.omit ?? []) delete h[k];
    return h;
  }

  send(
    method: string,
    pathAndQuery: string,
    body: string | undefined,
    signed: boolean,
    overrides?: SignOverrides,
    timeoutMs = 10_000,
  ): Promise<SimResponse> {
    const payload = body ?? '';
    const headers: Record<string, string> = signed ? this.headersFor(method, pathAndQuery, payload, overrides) : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const url = new URL(pathAndQuery, this.baseUrl);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method,
          path: pathAndQuery,
          headers,
          agent: this.agent,
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: SimResponse['json'];
            try {
              json = JSON.parse(text) as SimResponse['json'];
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('request timed out')));
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
