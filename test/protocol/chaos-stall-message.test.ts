// The test-only chaos-stall message (CHAOS_HOOK) is validated like every other supervisor message.
import { expect } from 'chai';
import { parseSupervisorMessage } from '../../src/protocol/messages.js';

describe('chaos-stall supervisor message', () => {
  it('accepts a positive finite busyMs', () => {
    const parsed = parseSupervisorMessage({ type: 'chaos-stall', busyMs: 60_000 });
    expect(parsed).to.deep.equal({ ok: true, message: { type: 'chaos-stall', busyMs: 60_000 } });
  });

  it('rejects a missing, non-positive, non-finite or non-numeric busyMs', () => {
    for (const bad of [
      {},
      { busyMs: 0 },
      { busyMs: -5 },
      { busyMs: Number.POSITIVE_INFINITY },
      { busyMs: Number.NaN },
      { busyMs: '100' },
    ]) {
      const parsed = parseSupervisorMessage({ type: 'chaos-stall', ...bad });
      expect(parsed.ok, JSON.stringify(bad)).to.equal(false);
      if (!parsed.ok) expect(parsed.problem).to.contain('busyMs');
    }
  });
});
