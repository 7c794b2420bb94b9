// Small HTTP and WebSocket helpers for the status tests (no keep-alive pooling unless asked).
import { type Agent, request } from 'node:http';
import { WebSocket } from 'ws';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function httpGet(
  url: string,
  headers: Record<string, string> = {},
  agent: Agent | false = false,
  method = 'GET',
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export function wsUrl(baseUrl: string, query = ''): string {
  return `${baseUrl.replace(/^http/, 'ws')}ws${query}`;
}

/** A client that queues every message, so a test can await "the next one matching". */
export class WsProbe {
  readonly messages: Array<Record<string, unknown>> = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)) as Record<string, unknown>);
      for (const w of this.waiters) w();
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<WsProbe> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      // Attach before 'open' so the initial push can't be missed.
      const probe = new WsProbe(ws);
      ws.once('open', () => resolve(probe));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode ?? 0}`)));
    });
  }

  /** Resolves with the first message at index >= from that matches. */
  waitFor(
    match: (m: Record<string, unknown>) => boolean,
    from = 0,
    timeoutMs = 5000,
  ): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.messages.slice(from).find(match);
        if (found !== undefined) {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(found);
          return true;
        }
        return false;
      };
      const waiter = (): void => {
        check();
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new Error(
            `no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages.map((m) => m.type))}`,
          ),
        );
      }, timeoutMs);
      if (!check()) this.waiters.push(waiter);
    });
  }

  close(): void {
    this.ws.terminate();
  }
}
