import { expect } from 'chai';
import { safeApiCall } from '../../src/resilience/safe-api-call.js';
import { RecordingClock } from '../support/recording-clock.js';

describe('safeApiCall', () => {
  it('returns the data after one failure, reporting that failure', async () => {
    const clock = new RecordingClock();
    const errors: [string, number][] = [];
    let calls = 0;
    const result = await safeApiCall(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('blip');
        return { price: 42 };
      },
      { maxRetries: 3, clock, onError: (e, n) => errors.push([(e as Error).message, n]) },
    );
    expect(result).to.deep.equal({ price: 42 });
    expect(errors).to.deep.equal([['blip', 1]]);
    expect(clock.sleeps).to.have.length(1);
  });

  it('returns undefined after every attempt failed, calling onError for each', async () => {
    const clock = new RecordingClock();
    const attempts: number[] = [];
    const result = await safeApiCall(
      async () => {
        throw new Error('down');
      },
      { maxRetries: 3, clock, backoff: { baseDelay: 10, jitter: 0 }, onError: (_e, n) => attempts.push(n) },
    );
    expect(result).to.equal(undefined);
    expect(attempts).to.deep.equal([1, 2, 3, 4]);
    expect(clock.sleeps).to.deep.equal([10, 20, 40]);
  });

  it('stops early on a non-retryable error but still swallows it', async () => {
    const clock = new RecordingClock();
    let count = 0;
    const result = await safeApiCall(
      async () => {
        throw new Error('bad request');
      },
      { maxRetries: 5, clock, retryable: () => false, onError: () => (count += 1) },
    );
    expect(result).to.equal(undefined);
    expect(count).to.equal(1);
  });
});
