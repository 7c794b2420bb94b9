import { expect } from 'chai';
import { MessageChannel } from 'node:worker_threads';
import {
  ExchangeError,
  isExchangeError,
  isExchangeErrorData,
  reviveExchangeError,
} from '../../src/exchange/exchange-error.js';

const sample = new ExchangeError({
  code: '429000',
  httpStatus: 429,
  retryable: true,
  action: 'wait-reset',
  message: 'placeOrder: 429000 Too Many Requests',
  endpoint: 'placeOrder',
  resetMs: 1234,
});

describe('ExchangeError', () => {
  it('is an Error with a type guard', () => {
    expect(sample).to.be.instanceOf(Error);
    expect(isExchangeError(sample)).to.equal(true);
    expect(isExchangeError(new Error('x'))).to.equal(false);
    expect(sample.rateLimited).to.equal(true);
  });

  it('survives a MessagePort as plain data and is rebuilt with every field', async () => {
    const { port1, port2 } = new MessageChannel();
    const received = new Promise<unknown>((resolve) => port2.once('message', resolve));
    port1.postMessage(sample.toData());
    const data = await received;
    port1.close();
    port2.close();
    expect(isExchangeError(data)).to.equal(false); // the class does not cross
    expect(isExchangeErrorData(data)).to.equal(true);
    const rebuilt = reviveExchangeError(data);
    expect(isExchangeError(rebuilt)).to.equal(true);
    expect((rebuilt as ExchangeError).toData()).to.deep.equal(sample.toData());
  });

  it('does not mistake other data for an error', () => {
    expect(isExchangeErrorData({ kind: 'ExchangeError', code: 1 })).to.equal(false);
    expect(isExchangeErrorData(null)).to.equal(false);
    expect(reviveExchangeError({ a: 1 })).to.deep.equal({ a: 1 });
  });
});
