import { expect } from 'chai';
import { take, tokensAt, waitMsFor } from '../../src/resilience/token-bucket.js';

describe('token bucket arithmetic', () => {
  const params = { capacity: 3, refillPerMs: 3 / 1000 };

  it('refills linearly and caps at capacity', () => {
    expect(tokensAt(params, { tokens: 0, updatedAt: 0 }, 500)).to.be.closeTo(1.5, 1e-9);
    expect(tokensAt(params, { tokens: 2, updatedAt: 0 }, 10_000)).to.equal(3);
  });

  it('refuses below the floor and says how long to wait', () => {
    const r = take(params, { tokens: 1, updatedAt: 0 }, 1, 0, 1);
    expect(r.ok).to.equal(false);
    if (!r.ok) expect(r.waitMs).to.equal(334);
  });

  it('rejects costs that can never be met', () => {
    expect(() => take(params, { tokens: 3, updatedAt: 0 }, 4, 0)).to.throw(RangeError, /exceeds bucket capacity/);
    expect(() => take(params, { tokens: 3, updatedAt: 0 }, Number.NaN, 0)).to.throw(RangeError);
    expect(waitMsFor({ capacity: 1, refillPerMs: 0 }, 0, 1)).to.equal(Number.POSITIVE_INFINITY);
  });
});
