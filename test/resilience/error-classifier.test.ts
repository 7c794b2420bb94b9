import { expect } from 'chai';
import { backoffFor } from '../../src/resilience/adaptive-backoff.js';
import { CircuitOpenError } from '../../src/resilience/circuit-open-error.js';
import { classifyFailure as classify, classifyError } from '../../src/exchange/error-classification.js';
import * as generic from '../../src/resilience/error-classifier.js';
import type { ErrorAction, ErrorKind } from '../../src/resilience/error-classifier.js';
import { extractErrorFacts } from '../../src/resilience/error-facts.js';
import { AttemptTimeoutError } from '../../src/resilience/timeout-error.js';

type Row = [facts: Parameters<typeof classify>[0], action: ErrorAction, kind: ErrorKind];

const TABLE: Row[] = [
  ...['400001', '400002', '400003', '400004', '400005', '400006', '400007'].map(
    (code): Row => [{ code, httpStatus: 401 }, 'fail', 'auth'],
  ),
  [{ code: '400100' }, 'fail', 'bad-request'],
  [{ code: '300000' }, 'fail', 'bad-request'],
  [{ code: '300003' }, 'fail', 'balance'],
  [{ code: '100004' }, 'fail', 'not-cancelable'],
  [{ code: '404000' }, 'fail', 'not-found'],
  [{ httpStatus: 404 }, 'fail', 'not-found'],
  [{ httpStatus: 401 }, 'fail', 'auth'],
  [{ httpStatus: 400 }, 'fail', 'bad-request'],
  [{ code: '300009', httpStatus: 200 }, 'done', 'no-position'],
  [{ code: '300002' }, 'retry', 'busy'],
  [{ code: '500000', httpStatus: 500 }, 'retry', 'server'],
  [{ code: '429000', httpStatus: 429 }, 'wait-reset', 'rate-limit'],
  [{ code: '429000', httpStatus: 200 }, 'wait-reset', 'rate-limit'],
  [{ httpStatus: 429 }, 'wait-reset', 'rate-limit'],
  [{ httpStatus: 500 }, 'retry', 'server'],
  [{ httpStatus: 502 }, 'retry', 'server'],
  [{ httpStatus: 503 }, 'retry', 'server'],
  [{ httpStatus: 504 }, 'retry', 'server'],
  [{ httpStatus: 408 }, 'retry', 'timeout'],
  [{ code: 'HTTP_ERROR', httpStatus: 502 }, 'retry', 'server'], // unknown code falls through to the status
  [{ code: '999999', httpStatus: 200 }, 'fail', 'unknown'],
  ...[
    'ECONNRESET',
    'ECONNREFUSED',
    'EPIPE',
    'EAI_AGAIN',
    'ENOTFOUND',
    'UND_ERR_SOCKET',
    'UND_ERR_CLOSED',
    'AbortError',
  ].map((networkCode): Row => [{ networkCode }, 'retry', 'network']),
  ...['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'TimeoutError'].map(
    (networkCode): Row => [{ networkCode }, 'retry', 'timeout'],
  ),
  [{ networkCode: 'UND_ERR_INVALID_ARG' }, 'fail', 'bad-request'],
  [{ code: 'TIMEOUT', networkCode: 'ETIMEDOUT' }, 'retry', 'timeout'],
  [{ code: 'NETWORK' }, 'retry', 'network'],
  [{ code: 'CIRCUIT_OPEN' }, 'fail', 'circuit-open'],
  [{}, 'fail', 'unknown'],
];

// The toolkit's classifier with the exchange's KuCoin table (what the bot runs), then the generic one.
describe('error classifier', () => {
  for (const [facts, action, kind] of TABLE) {
    it(`${JSON.stringify(facts)} -> ${action} (${kind})`, () => {
      const c = classify(facts);
      expect(c).to.include({ action, kind, retryable: action === 'retry' || action === 'wait-reset' });
      expect(c.reason).to.be.a('string').and.not.equal('');
    });
  }

  describe('classifyError extracts facts from any thrown value', () => {
    it('reads a KuCoin code (string or number) and httpStatus/status', () => {
      expect(classifyError(Object.assign(new Error('x'), { code: '300003', httpStatus: 200 })).action).to.equal('fail');
      expect(classifyError({ code: 300009 }).action).to.equal('done');
      expect(classifyError(Object.assign(new Error('x'), { status: 503 })).action).to.equal('retry');
      expect(classifyError({ response: { status: 429 } }).action).to.equal('wait-reset');
    });

    it('finds the transport code on the cause chain (fetch failed -> ECONNRESET)', () => {
      const err = new TypeError('fetch failed', {
        cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      });
      expect(classifyError(err)).to.include({ action: 'retry', kind: 'network' });
      expect(extractErrorFacts(err)).to.deep.equal({ networkCode: 'ECONNRESET' });
    });

    it('treats DOMException aborts and timeouts, and our AttemptTimeoutError, as retryable', () => {
      expect(classifyError(new DOMException('aborted', 'AbortError')).action).to.equal('retry');
      expect(classifyError(new DOMException('timed out', 'TimeoutError')).kind).to.equal('timeout');
      expect(classifyError(new AttemptTimeoutError(100))).to.include({ action: 'retry', kind: 'timeout' });
    });

    it('classifies an open breaker as fail (do not hammer it)', () => {
      expect(classifyError(new CircuitOpenError(100)).action).to.equal('fail');
    });

    it('keeps the outermost fact and survives cyclic causes; reads resetMs', () => {
      const inner: Record<string, unknown> = { code: 'ECONNRESET' };
      const outer = { code: '429000', httpStatus: 429, resetMs: 1234, cause: inner };
      inner['cause'] = outer;
      expect(extractErrorFacts(outer)).to.deep.equal({
        code: '429000',
        httpStatus: 429,
        resetMs: 1234,
        networkCode: 'ECONNRESET',
      });
      expect(classifyError(outer).action).to.equal('wait-reset');
    });

    it('does not retry plain programming errors', () => {
      expect(classifyError(new TypeError('undefined is not a function'))).to.include({
        action: 'fail',
        retryable: false,
      });
      expect(classifyError('a string').action).to.equal('fail');
      expect(classifyError(null).action).to.equal('fail');
    });
  });

  describe('the generic classifier (no service table)', () => {
    it("knows transport codes, HTTP statuses and the toolkit's own codes, but no service codes", () => {
      expect(generic.classify({ code: '300002' })).to.include({ action: 'fail', kind: 'unknown' });
      expect(generic.classify({ code: '300002', httpStatus: 503 })).to.include({ action: 'retry', kind: 'server' });
      expect(generic.classify({ networkCode: 'ECONNRESET' })).to.include({ action: 'retry', kind: 'network' });
      expect(generic.classifyError(new AttemptTimeoutError(100))).to.include({ action: 'retry', kind: 'timeout' });
      expect(generic.classifyError(new CircuitOpenError(100))).to.include({ action: 'fail', kind: 'circuit-open' });
    });

    it('uses the table a service passes in, its wait-reset codes ahead of HTTP 429', () => {
      const table = new Map([
        ['BUSY', generic.classification('retry', 'busy', 'busy')],
        ['SLOW_DOWN', generic.classification('wait-reset', 'rate-limit', 'slow down')],
      ]);
      const { classify: custom } = generic.createClassifier(table);
      expect(custom({ code: 'BUSY' })).to.include({ action: 'retry', kind: 'busy' });
      expect(custom({ code: 'SLOW_DOWN', httpStatus: 429 }).reason).to.equal('slow down');
      expect(custom({ code: 'BUSY', httpStatus: 429 }).action).to.equal('wait-reset');
    });
  });

  describe('backoffFor (adaptive)', () => {
    it('retries network blips faster than server errors, busy slower still', () => {
      const net = backoffFor(classify({ networkCode: 'ECONNRESET' }));
      const server = backoffFor(classify({ httpStatus: 503 }));
      const busy = backoffFor(classify({ code: '300002' }));
      expect(net.baseDelay).to.be.lessThan(server.baseDelay);
      expect(server.baseDelay).to.be.lessThan(busy.baseDelay);
      expect(net.maxRetries).to.be.greaterThan(0);
    });

    it('gives no retries to fail and done', () => {
      for (const facts of [{ code: '400100' }, { code: '300003' }, { code: '300009' }, { code: '400005' }]) {
        expect(backoffFor(classify(facts)).maxRetries).to.equal(0);
      }
    });

    it('waits on the order of the quota window for rate limits', () => {
      expect(backoffFor(classify({ code: '429000' })).maxDelay).to.be.at.least(30_000);
    });
  });
});
