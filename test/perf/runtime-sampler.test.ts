// The sampler on the real event loop of this thread: a busy loop shows as event-loop delay and
// utilisation, the heap figures are V8's, and each take() starts a fresh interval.
import { expect } from 'chai';
import { RuntimeSampler } from '../../src/perf/runtime-sampler.js';
import { busyLoop } from '../../src/worker-runtime/stall-inject.js';

// Real waits on purpose: the sampler reads this thread's real event loop (perf_hooks' delay histogram
// and utilisation), which no fake clock can move; only lower bounds are asserted.
const turn = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('RuntimeSampler', () => {
  let sampler: RuntimeSampler | undefined;
  afterEach(() => sampler?.close());

  it('sees a 150 ms block as delay and utilisation, then starts a new interval', async () => {
    sampler = new RuntimeSampler();
    // A few sampling periods either side (default period 50 ms) so the late tick is recorded.
    await turn(120);
    busyLoop(150);
    await turn(150);
    const blocked = sampler.take();
    expect(blocked.eldMaxMs).to.be.at.least(100);
    expect(blocked.elu).to.be.greaterThan(0.3);
    expect(blocked.heapUsedMb).to.be.greaterThan(1);
    expect(blocked.heapLimitMb).to.be.greaterThan(blocked.heapUsedMb);
    await turn(200);
    const quiet = sampler.take();
    expect(quiet.eldMaxMs).to.be.lessThan(blocked.eldMaxMs);
    expect(quiet.intervalMs).to.be.at.least(150);
  });

  it('checks its option', () => {
    expect(() => new RuntimeSampler({ resolutionMs: 0 })).to.throw(/resolutionMs/);
  });
});
