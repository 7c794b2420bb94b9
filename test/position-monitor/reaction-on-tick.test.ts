// Reaction time: a streamed price through a stop is acted on when the tick arrives, not at the next
// LIVE_LOOP_INTERVAL step. The loop here steps once and then never again (a one-minute interval),
// so only the tick can trigger the close; the reaction time is reported as a timing.
import { expect } from 'chai';
import type { ExecutorApi } from '../../src/executor/executor-api.js';
import { KucoinFuturesClient } from '../../src/exchange/kucoin-futures-client.js';
import { createPositionMonitorLoop } from '../../src/position-monitor/position-monitor-loop.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/simulator.js';
import type { ExecutorClient } from '../../src/worker-runtime/executor-link.js';
import type { MetricsSink } from '../../src/worker-runtime/metrics-sender.js';
import { instantClock } from '../support/instant-clock.js';
import { simCredentials } from '../support/sim-credentials.js';
import { silentLog } from '../support/silent-log.js';

describe('position monitor reacts on the streamed tick', function () {
  this.timeout(20_000);
  let sim: SimulatorHandle | undefined;
  let close: (() => Promise<void> | void) | undefined;

  afterEach(async () => {
    await close?.();
    await sim?.close();
    sim = close = undefined;
  });

  it('requests the close on the tick that crosses the stop and records the reaction time', async () => {
    sim = await startSimulator({ contracts: 2, tickIntervalMs: 50 });
    const s = sim;
    const [xbt] = s.symbols as [string];
    const client = new KucoinFuturesClient({
      baseUrl: s.url,
      timeoutMs: 3_000,
      credentials: simCredentials(s),
    });
    const entry = s.market.markPrice(xbt);
    const exits: Array<{ symbol: string; at: number }> = [];
    let exitRequested: () => void = () => undefined;
    const requested = new Promise<void>((resolve) => (exitRequested = resolve));
    const executor = {
      generation: 0,
      call: async (method: string, ...args: unknown[]) => {
        if (method === 'openPositions')
          return [
            {
              symbol: xbt,
              side: 'long',
              size: 1,
              entryPrice: entry,
              stopPrice: Math.floor(entry * 0.99),
              takeProfitPrice: null,
            },
          ];
        if (method === 'requestExit') {
          exits.push({ symbol: (args[0] as { symbol: string }).symbol, at: Date.now() });
          exitRequested();
          return { accepted: true };
        }
        return { accepted: true };
      },
    } as unknown as ExecutorClient<ExecutorApi>;
    const timings: Array<[string, number]> = [];
    const metrics: MetricsSink = {
      count: () => undefined,
      gauge: () => undefined,
      call: () => undefined,
      timing: (name, ms) => void timings.push([name, ms]),
    };
    const loop = createPositionMonitorLoop({
      client,
      executor,
      metrics,
      log: silentLog,
      clock: instantClock,
      liveLoopMs: 60_000,
      refreshMs: 60_000,
    });
    close = () => loop.close?.();

    await loop.step(new AbortController().signal); // refresh: guard the position, subscribe its ticker
    expect(exits).to.deep.equal([]);
    s.market.shock(xbt, 0.95);
    await requested;
    expect(exits.map((e) => e.symbol)).to.deep.equal([xbt]);
    const reactions = timings.filter(([name]) => name === 'reaction').map(([, ms]) => ms);
    expect(reactions).to.have.length(1);
    expect(reactions[0]).to.be.at.least(0).and.below(50);
  });
});
