import { expect } from 'chai';
import { Semaphore } from '../../src/scanner/semaphore.js';

describe('Semaphore', () => {
  it('never lets more than `limit` holders in, and hands slots over in order', async () => {
    const s = new Semaphore(2);
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 7 }, async (_, i) => {
        const release = await s.acquire();
        active += 1;
        peak = Math.max(peak, active);
        order.push(i);
        await new Promise((r) => setImmediate(r));
        active -= 1;
        release();
        release(); // a second release is a no-op
      }),
    );
    expect(peak).to.equal(2);
    expect(order).to.deep.equal([0, 1, 2, 3, 4, 5, 6]);
    expect(s.inUse).to.equal(0);
  });

  it('rejects queued acquirers when the signal aborts, without leaking their slots', async () => {
    const s = new Semaphore(1);
    const held = await s.acquire();
    const controller = new AbortController();
    const queued = s.acquire(controller.signal);
    controller.abort(new Error('stop'));
    let caught: unknown;
    await queued.catch((e: unknown) => (caught = e));
    expect((caught as Error).message).to.equal('stop');
    held();
    expect(s.inUse).to.equal(0);
    await s.acquire(AbortSignal.abort()).then(
      () => expect.fail('should reject'),
      (e: unknown) => expect((e as DOMException).name).to.equal('AbortError'),
    );
  });

  it('rejects a bad limit', () => {
    expect(() => new Semaphore(0)).to.throw(RangeError, /limit/);
  });
});
