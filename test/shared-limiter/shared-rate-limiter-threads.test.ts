// Real worker threads drawing from one SharedArrayBuffer bucket. Time is compressed by a small
// quota window (400 per 500 ms: capacity 40, refill 0.72 per ms, reserve 8).
import { expect } from 'chai';
import { Worker } from 'node:worker_threads';
import { KUCOIN_LIMITS, POOL_QUOTA } from '../../src/exchange/endpoints.js';
import { SharedRateLimiter } from '../../src/resilience/shared-rate-limiter.js';
import { maxWindowLoad } from './window-check.js';

const FIXTURE = new URL('../fixtures/limiter-hammer.js', import.meta.url);
const QUOTA = 400;
const WINDOW_MS = 500;

type Rec = [at: number, weight: number, critical: 0 | 1];

interface Spawned {
  readonly worker: Worker;
  readonly done: Promise<Rec[]>;
  readonly waiting: Promise<void>;
}

describe('shared rate limiter across 8 worker threads', function () {
  this.timeout(30_000);
  const started: Worker[] = [];

  afterEach(async () => {
    await Promise.all(started.splice(0).map((w) => w.terminate()));
  });

  function spawn(limiter: SharedRateLimiter, data: Record<string, unknown>): Spawned {
    const worker = new Worker(FIXTURE, { workerData: { buffer: limiter.buffer, pool: 'futures', ...data } });
    started.push(worker);
    let onWaiting!: () => void;
    const waiting = new Promise<void>((r) => (onWaiting = r));
    const done = new Promise<Rec[]>((resolve, reject) => {
      worker.on('message', (m: { type: string; records?: Rec[] }) => {
        if (m.type === 'waiting') onWaiting();
        if (m.type === 'done') resolve(m.records ?? []);
      });
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new Error(`hammer exited early with ${code}`)));
    });
    return { worker, done, waiting };
  }

  it('admits no more than the quota in any window, keeps the reserve, and uses the budget', async () => {
    const limiter = SharedRateLimiter.create({
      ...KUCOIN_LIMITS,
      quota: { ...POOL_QUOTA, futures: QUOTA },
      windowMs: WINDOW_MS,
    });
    const durationMs = 2500;
    const runs = Array.from({ length: 8 }, (_, i) =>
      spawn(limiter, { mode: 'hammer', durationMs, maxWeight: 10, criticalShare: 0, seed: 7919 * (i + 1) }),
    );
    // While the threads saturate the pool with normal calls, the reserve stays untouched: a critical
    // call inside the reserve is admitted at once, every time.
    const criticalResults: boolean[] = [];
    const criticalRecords: Rec[] = [];
    let minAvailable = Number.POSITIVE_INFINITY;
    const sampler = setInterval(() => {
      minAvailable = Math.min(minAvailable, limiter.available('futures'));
    }, 7);
    const critical = setInterval(() => {
      const r = limiter.tryAcquire('futures', 4, 'critical');
      criticalResults.push(r.ok);
      if (r.ok) criticalRecords.push([r.at, 4, 1]);
    }, 150);
    const perThread = await Promise.all(runs.map((r) => r.done));
    clearInterval(sampler);
    clearInterval(critical);

    const all = [...perThread.flat(), ...criticalRecords];
    expect(maxWindowLoad(all, WINDOW_MS)).to.be.at.most(QUOTA);
    expect(criticalResults.length).to.be.at.least(5);
    expect(criticalResults.every(Boolean), `critical admissions ${criticalResults.join(',')}`).to.equal(true);
    // Normal callers alone never dig into the reserve (critical ones may, briefly).
    expect(minAvailable).to.be.at.least(0);
    // Budget use: burst + refill over the run is 40 + 0.72 × 2500 = 1840; allow for scheduling slack
    // on a busy machine but demand most of it.
    const total = all.reduce((s, r) => s + r[1], 0);
    expect(total).to.be.at.least(0.7 * (40 + 0.72 * durationMs));
    expect(perThread.every((recs) => recs.length > 0)).to.equal(true);
  });

  it('blocks every thread during a 429 without spinning, then admits after the reset', async () => {
    const limiter = SharedRateLimiter.create({
      ...KUCOIN_LIMITS,
      quota: { ...POOL_QUOTA, futures: QUOTA },
      windowMs: WINDOW_MS,
    });
    const blockMs = 1500;
    limiter.rateLimited('futures', blockMs);
    const blockedUntil = performance.timeOrigin + performance.now() + blockMs;
    const cpuBefore = process.cpuUsage();
    const runs = Array.from({ length: 8 }, () =>
      spawn(limiter, { mode: 'once', maxWeight: 3, criticalShare: 0, seed: 1 }),
    );
    await Promise.all(runs.map((r) => r.waiting));
    const perThread = await Promise.all(runs.map((r) => r.done));
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    for (const [rec] of perThread) expect(rec![0]).to.be.at.least(Math.floor(blockedUntil) - 2);
    // Eight spinning threads would burn ~2 cores × 1.5 s = 3000 ms; waiting costs thread start-up only.
    expect(cpuMs, `CPU while blocked: ${cpuMs.toFixed(0)} ms`).to.be.below(1200);
    for (const r of runs) {
      const elu = r.worker.performance.eventLoopUtilization();
      expect(elu.utilization, 'worker event-loop utilisation while blocked').to.be.below(0.5);
    }
  });
});
