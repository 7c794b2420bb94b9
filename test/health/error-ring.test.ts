import { expect } from 'chai';
import { ErrorRing } from '../../src/health/error-ring.js';

describe('ErrorRing', () => {
  it('returns newest first and stays bounded', () => {
    const ring = new ErrorRing({ capacity: 3 });
    for (let i = 1; i <= 5; i += 1) ring.push(i * 1000, 'scanner', 'E', `error ${i}`);
    expect(ring.size).to.equal(3);
    expect(ring.totalRecorded).to.equal(5);
    expect(ring.entries().map((e) => e.message)).to.deep.equal(['error 5', 'error 4', 'error 3']);
    expect(ring.entries(2).map((e) => e.timeMs)).to.deep.equal([5000, 4000]);
  });

  it('cuts very long messages', () => {
    const ring = new ErrorRing({ capacity: 2, maxMessageLength: 10 });
    ring.push(0, 't', 'E', 'x'.repeat(1000));
    const [entry] = ring.entries();
    expect(entry?.message).to.have.length(10);
    expect(entry?.message.endsWith('…')).to.equal(true);
  });

  it('validates its options', () => {
    expect(() => new ErrorRing({ capacity: 0 })).to.throw(RangeError, /capacity/);
    expect(() => new ErrorRing({ maxMessageLength: 1.5 })).to.throw(RangeError, /maxMessageLength/);
  });
});
