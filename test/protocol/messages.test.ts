import { expect } from 'chai';
import { MessageChannel } from 'node:worker_threads';
import { describeRaw, parseSupervisorMessage, parseWorkerMessage } from '../../src/protocol/messages.js';
import { fromWireError, toWireError } from '../../src/protocol/wire-error.js';

describe('protocol messages', () => {
  it('accepts each well-formed worker message', () => {
    const samples: unknown[] = [
      { type: 'ready', worker: 'scanner', generation: 0, threadId: 3 },
      { type: 'heartbeat', progress: 12 },
      {
        type: 'metrics',
        counters: { scans: 3 },
        gauges: {},
        calls: [{ endpoint: 'klines', ok: true, durationMs: 4, rateLimited: false }],
      },
      { type: 'error', error: { name: 'Error', message: 'x' }, fatal: false },
      { type: 'log', level: 'info', message: 'hello', meta: { a: 1 } },
      { type: 'shutdown-complete', progress: 4 },
    ];
    for (const s of samples) expect(parseWorkerMessage(s).ok, JSON.stringify(s)).to.equal(true);
  });

  it('rejects unknown and malformed messages with a readable problem', () => {
    const bad: unknown[] = [
      null,
      'heartbeat',
      { type: 'bogus' },
      { type: 'heartbeat', progress: -1 },
      { type: 'heartbeat', progress: 1.5 },
      { type: 'metrics', counters: { x: 'nope' }, gauges: {}, calls: [] },
      {
        type: 'metrics',
        counters: {},
        gauges: {},
        calls: [{ endpoint: 'not-an-endpoint', ok: true, durationMs: 1, rateLimited: false }],
      },
      { type: 'log', level: 'shout', message: 'x' },
    ];
    for (const b of bad) {
      const r = parseWorkerMessage(b);
      expect(r.ok, JSON.stringify(b)).to.equal(false);
      if (!r.ok) expect(r.problem).to.be.a('string').and.not.equal('');
    }
    expect(describeRaw({ type: 'bogus' })).to.equal("type 'bogus'");
    expect(describeRaw(42)).to.equal('number');
  });

  it('validates supervisor messages, including the transferable fields', () => {
    const { port1, port2 } = new MessageChannel();
    try {
      const config = {
        heartbeatIntervalMs: 100,
        metricsIntervalMs: 500,
        rpcTimeoutMs: 1000,
        stallInject: null,
        settings: { a: 1 },
      };
      const init = parseSupervisorMessage({
        type: 'init',
        worker: 'scanner',
        generation: 0,
        limiterBuffer: new SharedArrayBuffer(8),
        config,
      });
      expect(init.ok).to.equal(true);
      expect(
        parseSupervisorMessage({
          type: 'init',
          worker: 'scanner',
          generation: 0,
          limiterBuffer: new ArrayBuffer(8),
          config,
        }).ok,
      ).to.equal(false);
      const port = parseSupervisorMessage({ type: 'executor-port', port: port1, generation: 2 });
      expect(port.ok).to.equal(true);
      if (port.ok && port.message.type === 'executor-port') expect(port.message.port).to.equal(port1);
      expect(parseSupervisorMessage({ type: 'executor-port', port: {}, generation: 2 }).ok).to.equal(false);
      expect(parseSupervisorMessage({ type: 'shutdown', reason: 'SIGINT' }).ok).to.equal(true);
    } finally {
      port1.close();
      port2.close();
    }
  });

  it('carries errors as data and rebuilds them with name, message and code', () => {
    const err = Object.assign(new TypeError('bad price'), { code: 'E_PRICE' });
    const wire = structuredClone(toWireError(err));
    const back = fromWireError(wire);
    expect(back).to.be.instanceOf(Error);
    expect(back.name).to.equal('TypeError');
    expect(back.message).to.equal('bad price');
    expect(back.code).to.equal('E_PRICE');
    expect(back.remoteStack).to.contain('bad price');
    expect(toWireError('plain')).to.deep.equal({ name: 'NonError', message: 'plain' });
  });
});
