// defined(): what replaced the `!` assertions in src/ (Biome's noNonNullAssertion). A value the
// code guarantees is passed through untouched; a missing one fails fast with an error naming it.
import { expect } from 'chai';
import { InvariantError, defined } from '../../src/invariant/invariant-error.js';

describe('defined (invariant check)', () => {
  it('returns the value itself, including falsy ones that are not missing', () => {
    const spec = { tickSize: 0.1 };
    expect(defined(spec, 'spec')).to.equal(spec);
    expect(defined(0, 'size')).to.equal(0);
    expect(defined('', 'remark')).to.equal('');
    expect(defined(false, 'flag')).to.equal(false);
  });

  for (const missing of [undefined, null]) {
    it(`throws an InvariantError naming what is missing for ${String(missing)}`, () => {
      let caught: unknown;
      try {
        defined(missing, 'contract spec of XBTUSDTM');
      } catch (e) {
        caught = e;
      }
      expect(caught).to.be.instanceOf(InvariantError);
      expect((caught as InvariantError).code).to.equal('INVARIANT');
      expect((caught as Error).message).to.equal('invariant broken: contract spec of XBTUSDTM is missing');
    });
  }
});
