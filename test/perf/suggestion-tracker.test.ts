// Raise once, keep while present, clear only after a full window without the condition.
import { expect } from 'chai';
import type { Suggestion } from '../../src/perf/suggestion.js';
import { SuggestionTracker } from '../../src/perf/suggestion-tracker.js';

const blocked: Suggestion = {
  id: 'event-loop-blocked',
  severity: 'warning',
  thread: 'scanner',
  evidence: 'max 150 ms',
  advice: 'x',
};

describe('SuggestionTracker', () => {
  it('raises once, updates evidence, clears after a full window absent', () => {
    const tracker = new SuggestionTracker(10_000);
    const raised: string[] = [];
    const cleared: string[] = [];
    tracker.onRaised((s) => raised.push(`${s.id}/${s.thread}`));
    tracker.onCleared((s) => cleared.push(`${s.id}/${s.thread}`));

    expect(tracker.update([blocked], 0)).to.have.length(1);
    tracker.update([{ ...blocked, evidence: 'max 180 ms' }], 1000);
    expect(raised).to.deep.equal(['event-loop-blocked/scanner']);
    expect(tracker.list()[0]).to.include({ evidence: 'max 180 ms', raisedAt: 0, lastSeenAt: 1000 });

    expect(tracker.update([], 10_999)).to.have.length(1); // absent for 9.999 s: still active
    expect(cleared).to.deep.equal([]);
    expect(tracker.update([], 11_000)).to.deep.equal([]);
    expect(cleared).to.deep.equal(['event-loop-blocked/scanner']);

    tracker.update([blocked], 12_000);
    expect(raised).to.have.length(2); // a new episode alerts again
  });

  it('keeps one entry per rule and thread, worst first', () => {
    const tracker = new SuggestionTracker(1000);
    const list = tracker.update(
      [
        { ...blocked, severity: 'info', thread: 'indicator-pool', id: 'indicator-pool-useless' },
        blocked,
        { ...blocked, thread: 'supervisor', severity: 'critical' },
        blocked,
      ],
      0,
    );
    expect(list.map((s) => `${s.severity}:${s.thread}`)).to.deep.equal([
      'critical:supervisor',
      'warning:scanner',
      'info:indicator-pool',
    ]);
  });
});
