import { expect } from 'chai';
import { AlertDispatcher, type AlertPayload } from '../../src/alerts/alert-dispatcher.js';
import type { FetchLike } from '../../src/alerts/webhook-sender.js';
import { ManualClock } from '../support/manual-clock.js';
import { WebhookReceiver, deadUrl } from './webhook-receiver.js';

const FAST_RETRY = { baseDelay: 10, maxDelay: 40, maxRetries: 2, jitter: 0 };
const stall = { kind: 'stall', subject: 'scanner', message: 'no heartbeat for 3.1 s' } as const;

describe('AlertDispatcher', () => {
  let receiver: WebhookReceiver | undefined;
  let dispatcher: AlertDispatcher | undefined;
  afterEach(async () => {
    dispatcher?.close();
    dispatcher = undefined;
    await receiver?.close();
    receiver = undefined;
  });

  it('always writes the console line, with no webhook configured', () => {
    const lines: string[] = [];
    dispatcher = new AlertDispatcher({ console: (l) => lines.push(l) });
    expect(dispatcher.dispatch(stall)).to.equal('sent');
    expect(lines).to.deep.equal(['ALERT THREAD STALL scanner: no heartbeat for 3.1 s']);
    expect(dispatcher.stats.webhook).to.equal(null);
  });

  it('POSTs the JSON payload to a real local webhook', async () => {
    receiver = await WebhookReceiver.start();
    const clock = new ManualClock();
    dispatcher = new AlertDispatcher({ console: () => undefined, webhookUrl: receiver.url, clock });
    dispatcher.dispatch({
      kind: 'restart-budget',
      subject: 'order-executor',
      message: '6 restarts in 60 s',
      details: { restarts: 6 },
    });
    expect(await dispatcher.flush(5000)).to.equal(true);
    expect(receiver.received).to.have.length(1);
    const req = receiver.received[0];
    expect(req?.method).to.equal('POST');
    expect(req?.url).to.equal('/hooks/alerts');
    expect(req?.contentType).to.equal('application/json');
    const payload = JSON.parse(req?.body ?? '') as AlertPayload;
    expect(payload).to.deep.equal({
      kind: 'restart-budget',
      severity: 'critical',
      title: 'RESTART BUDGET EXCEEDED',
      subject: 'order-executor',
      message: '6 restarts in 60 s',
      text: 'RESTART BUDGET EXCEEDED order-executor: 6 restarts in 60 s',
      content: 'RESTART BUDGET EXCEEDED order-executor: 6 restarts in 60 s',
      time: new Date(clock.t).toISOString(),
      source: 'kucoin-futures-bot',
      suppressed: 0,
      details: { restarts: 6 },
    });
    expect(dispatcher.stats.webhook).to.include({ delivered: 1, failed: 0 });
  });

  it('sends the same kind+subject at most once per cooldown, and says how many were held back', async () => {
    receiver = await WebhookReceiver.start();
    const clock = new ManualClock();
    const lines: string[] = [];
    dispatcher = new AlertDispatcher({
      console: (l) => lines.push(l),
      webhookUrl: receiver.url,
      clock,
      cooldownMs: 300_000,
    });
    expect(dispatcher.dispatch(stall)).to.equal('sent');
    clock.advance(1000);
    expect(dispatcher.dispatch(stall)).to.equal('suppressed');
    expect(dispatcher.dispatch({ ...stall, subject: 'order-executor' })).to.equal('sent'); // another subject
    expect(dispatcher.dispatch({ ...stall, kind: 'restart' })).to.equal('sent'); // another kind
    clock.advance(298_999);
    expect(dispatcher.dispatch(stall)).to.equal('suppressed');
    clock.advance(1);
    expect(dispatcher.dispatch(stall)).to.equal('sent');
    expect(lines.at(-1)).to.equal('ALERT THREAD STALL scanner: no heartbeat for 3.1 s (2 similar suppressed)');
    expect(await dispatcher.flush(5000)).to.equal(true);
    expect(receiver.received).to.have.length(4);
    expect(dispatcher.stats).to.include({ sent: 4, suppressed: 2 });
  });

  it('retries a 5xx with backoff but not a 4xx', async () => {
    receiver = await WebhookReceiver.start([503, 200, 400]);
    const failures: string[] = [];
    dispatcher = new AlertDispatcher({
      console: () => undefined,
      webhookUrl: receiver.url,
      webhook: { retry: FAST_RETRY },
      onWebhookFailure: (f) => failures.push(`${f.attempts} ${f.error}`),
    });
    dispatcher.dispatch(stall);
    expect(await dispatcher.flush(5000)).to.equal(true);
    expect(receiver.received).to.have.length(2);
    dispatcher.dispatch({ ...stall, subject: 'x' });
    expect(await dispatcher.flush(5000)).to.equal(true);
    expect(receiver.received).to.have.length(3);
    expect(failures).to.deep.equal(['1 WebhookStatusError: webhook answered HTTP 400']);
  });

  it('does not block the caller when the webhook refuses connections', async () => {
    const url = await deadUrl();
    let fetchCalls = 0;
    const countingFetch: FetchLike = (u, init) => {
      fetchCalls += 1;
      return fetch(u, init);
    };
    const failures: { attempts: number; error: string; target: string }[] = [];
    const lines: string[] = [];
    dispatcher = new AlertDispatcher({
      console: (l) => lines.push(l),
      webhookUrl: url,
      webhook: { retry: FAST_RETRY, fetch: countingFetch },
      onWebhookFailure: (f) => failures.push(f),
    });
    // dispatch() answers synchronously (not a promise) and leaves every network call for later.
    expect(dispatcher.dispatch(stall)).to.equal('sent');
    expect(fetchCalls).to.equal(0); // no network work happened inside dispatch()
    expect(lines).to.have.length(1); // the console line is already out
    expect(await dispatcher.flush(10_000)).to.equal(true);
    expect(fetchCalls).to.equal(3);
    expect(failures).to.have.length(1);
    expect(failures[0]?.attempts).to.equal(3);
    expect(failures[0]?.error).to.match(/ECONNREFUSED/);
    expect(failures[0]?.error).not.to.contain('/hooks/alerts');
    expect(dispatcher.stats.webhook).to.include({ delivered: 0, failed: 1 });
  });

  it('does not block the caller on a hanging webhook; each POST times out', async () => {
    receiver = await WebhookReceiver.start([], 'hang');
    let fetchCalls = 0;
    const countingFetch: FetchLike = (u, init) => {
      fetchCalls += 1;
      return fetch(u, init);
    };
    const failures: string[] = [];
    dispatcher = new AlertDispatcher({
      console: () => undefined,
      webhookUrl: receiver.url,
      webhook: { timeoutMs: 150, retry: { ...FAST_RETRY, maxRetries: 1 }, fetch: countingFetch },
      onWebhookFailure: (f) => failures.push(f.error),
    });
    // Both calls return at once, before any POST is even started: nothing waits on the hanging server.
    expect(dispatcher.dispatch(stall)).to.equal('sent');
    expect(dispatcher.dispatch({ ...stall, subject: 'position-monitor' })).to.equal('sent');
    expect(fetchCalls).to.equal(0);
    await receiver.waitFor(1); // the POST really reached the server, which never answers
    expect(await dispatcher.flush(10_000)).to.equal(true);
    expect(receiver.received).to.have.length(4); // 2 alerts × 2 attempts
    expect(failures).to.have.length(2);
    expect(failures[0]).to.match(/TimeoutError|abort/i);
  });

  it('bounds the queue, dropping the oldest, and close() abandons the rest', () => {
    const never: FetchLike = (_u, init) =>
      new Promise((_resolve, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason)));
    dispatcher = new AlertDispatcher({
      console: () => undefined,
      webhookUrl: 'http://127.0.0.1:9/never',
      webhook: { fetch: never, queueCapacity: 2 },
      onWebhookFailure: () => undefined,
    });
    for (let i = 0; i < 5; i += 1) dispatcher.dispatch({ ...stall, subject: `t${i}` });
    expect(dispatcher.stats.webhook).to.include({ queued: 2, dropped: 3 });
    dispatcher.close();
    expect(dispatcher.stats.webhook).to.include({ queued: 0, dropped: 5 });
    expect(dispatcher.dispatch(stall)).to.equal('closed');
  });

  it('keeps secrets out of the console line and the payload', async () => {
    receiver = await WebhookReceiver.start();
    const lines: string[] = [];
    dispatcher = new AlertDispatcher({
      console: (l) => lines.push(l),
      webhookUrl: receiver.url,
      secrets: ['S3cr3tApiSecretValue', 'my-passphrase-42'],
    });
    dispatcher.dispatch({
      kind: 'breaker-opened',
      subject: 'futures',
      message:
        'auth failed for key S3cr3tApiSecretValue with passphrase=my-passphrase-42 apiKey=abc123def Bearer eyJhbGciOi.x.y',
      details: { token: 'tok-123456', note: 'signature: deadbeef', failures: 5 },
    });
    expect(await dispatcher.flush(5000)).to.equal(true);
    const body = receiver.received[0]?.body ?? '';
    for (const text of [body, lines[0] ?? '']) {
      for (const secret of [
        'S3cr3tApiSecretValue',
        'my-passphrase-42',
        'abc123def',
        'eyJhbGciOi',
        'tok-123456',
        'deadbeef',
      ]) {
        expect(text).not.to.contain(secret);
      }
    }
    expect(body).not.to.contain(receiver.url);
    const payload = JSON.parse(body) as AlertPayload;
    expect(payload.details).to.deep.equal({ token: '[REDACTED]', note: 'signature: [REDACTED]', failures: 5 });
    expect(payload.message).to.contain('[REDACTED]');
  });

  it('never throws into the caller: bad alerts and a throwing console sink', () => {
    dispatcher = new AlertDispatcher({
      console: () => {
        throw new Error('stdout closed');
      },
    });
    expect(dispatcher.dispatch(stall)).to.equal('sent');
    expect(dispatcher.dispatch({ kind: 'nope', subject: 'x', message: 'y' } as never)).to.equal('invalid');
  });

  it('rejects a non-http webhook URL at construction', () => {
    expect(() => new AlertDispatcher({ webhookUrl: 'ftp://example.com/x' })).to.throw(TypeError, /http or https/);
    expect(() => new AlertDispatcher({ webhookUrl: 'not a url' })).to.throw(TypeError, /"url"/);
  });
});
