// Benchmark 4a: stall detection latency and restart-to-first-heartbeat time, with the real
// WorkerSupervisor and worker runtime and a fixture worker that stalls (busy-loops) every
// incarnation. Baselines from the same run: the heartbeat interval actually observed (for the
// latency in intervals) and a bare Worker's spawn-to-first-message time (for the restart).
import { Worker } from 'node:worker_threads';
import { KUCOIN_LIMITS } from '../src/exchange/endpoints.js';
import { SharedRateLimiter } from '../src/resilience/shared-rate-limiter.js';
import type { SupervisorLogger } from '../src/supervision/supervisor-options.js';
import { WorkerSupervisor } from '../src/supervision/worker-supervisor.js';
import type { Benchmark, BenchContext, BenchResult, Figure } from './bench-result.js';
import { envNumber, fmt, measured, summarize } from './stats.js';

const STALLING = new URL('./fixtures/stalling-worker.js', import.meta.url);
const EMPTY = new URL('./fixtures/empty-worker.js', import.meta.url);
const WORKER = 'stall-fixture';
const TARGET_INTERVALS = 3;
const TARGET_RESTART_MS = 250;

async function bareSpawnMs(): Promise<number> {
  const t0 = Date.now();
  const w = new Worker(EMPTY);
  await new Promise<void>((resolve, reject) => {
    w.once('message', () => resolve());
    w.once('error', reject);
  });
  const ms = Date.now() - t0;
  await w.terminate();
  return ms;
}

interface Cycle {
  onsetAt?: number;
  stallAt?: number;
  restartAt?: number;
  firstHeartbeatAt?: number;
}

export const stallRecoveryBenchmark: Benchmark = {
  id: 'stall-recovery',
  aliases: ['stall', 'stall-recovery', 'restart'],
  title: 'Stall detection latency and restart-to-first-heartbeat',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const started = Date.now();
    const hb = envNumber(ctx.env, 'BENCH_HEARTBEAT_MS', 200);
    const stalls = Math.round(envNumber(ctx.env, 'BENCH_STALLS', ctx.quick ? 3 : 20));
    const spawns = ctx.quick ? 3 : 15;

    ctx.log(`baseline: ${spawns} bare worker spawns`);
    const bare: number[] = [];
    await bareSpawnMs(); // warm-up
    for (let i = 0; i < spawns; i++) bare.push(await bareSpawnMs());
    ctx.log(`bare spawn to first message: median ${fmt(summarize(bare).median)} ms`);

    const cycles = new Map<number, Cycle>(); // by the generation that stalled
    const cycle = (g: number): Cycle => {
      let c = cycles.get(g);
      if (!c) {
        c = {};
        cycles.set(g, c);
      }
      return c;
    };
    const gaps: number[] = [];
    const lastBeat = new Map<number, number>();
    const logger: SupervisorLogger = {
      error: () => undefined,
      warn: () => undefined,
      debug: () => undefined,
      info: (message, meta) => {
        if (message === 'stall onset' && typeof meta?.['at'] === 'number' && typeof meta['generation'] === 'number') {
          cycle(meta['generation']).onsetAt = meta['at'];
        }
      },
    };
    const limiter = SharedRateLimiter.create(KUCOIN_LIMITS);
    const supervisor = new WorkerSupervisor(
      [
        {
          name: WORKER,
          script: STALLING,
          role: 'standalone',
          settings: { stepMs: 20, stallAfterMs: 2 * hb, jitterMs: hb },
        },
      ],
      limiter.buffer,
      {
        heartbeatIntervalMs: hb,
        stallTimeoutMs: 3 * hb, // the production ratio (1 s / 3 s)
        progressTimeoutMs: 60_000,
        // Every induced stall is a restart; the budget must not end the run (its escalation has its own tests).
        maxRestarts: 10_000,
        // Repeated restarts back off (100 ms doubling to 10 s by default); the figure excludes that
        // delay, so a small cap only keeps the run short.
        backoffInitialMs: 10,
        backoffMaxMs: 100,
        shutdownTimeoutMs: 500,
        logger,
        alert: () => undefined,
      },
    );
    let generation = 0;
    let restartsSeen = 0;
    let finish!: () => void;
    const enough = new Promise<void>((resolve) => (finish = resolve));
    supervisor.onStall((e) => {
      cycle(generation).stallAt = e.at;
    });
    supervisor.onRestart((e) => {
      // Measured from the moment the new thread is due to spawn (delay included in the policy, not in this figure).
      cycle(generation).restartAt = e.at + e.delayMs;
    });
    supervisor.onHeartbeat((e) => {
      const prev = lastBeat.get(e.generation);
      if (prev !== undefined) gaps.push(e.at - prev);
      lastBeat.set(e.generation, e.at);
      if (e.generation > generation) {
        const c = cycle(generation);
        if (c.firstHeartbeatAt === undefined) c.firstHeartbeatAt = e.at;
        restartsSeen++;
        generation = e.generation;
        ctx.log(
          `stall ${restartsSeen}/${stalls}: detected ${c.stallAt !== undefined && c.onsetAt !== undefined ? c.stallAt - c.onsetAt : '?'} ms after onset, first heartbeat ${c.restartAt !== undefined ? e.at - c.restartAt : '?'} ms after restart`,
        );
        if (restartsSeen >= stalls) finish();
      }
    });
    const timeout = setTimeout(() => finish(), stalls * (12 * hb + 5000));
    try {
      await supervisor.start();
      await enough;
    } finally {
      clearTimeout(timeout);
      await supervisor.stop('benchmark done');
    }

    const complete = [...cycles.values()].filter(
      (c): c is Required<Cycle> =>
        c.onsetAt !== undefined &&
        c.stallAt !== undefined &&
        c.restartAt !== undefined &&
        c.firstHeartbeatAt !== undefined,
    );
    if (complete.length === 0) throw new Error('no complete stall/restart cycle was observed');
    const latencies = complete.map((c) => c.stallAt - c.onsetAt);
    const restarts = complete.map((c) => c.firstHeartbeatAt - c.restartAt);
    const recoveries = complete.map((c) => c.firstHeartbeatAt - c.stallAt);
    const hbMeasured = measured('heartbeat interval observed by the supervisor', 'ms', gaps.length > 0 ? gaps : [hb]);
    const interval = hbMeasured.summary.median;
    const latency = measured('stall onset → supervisor stall event', 'ms', latencies);
    const restart = measured('restart → first heartbeat of the new thread', 'ms', restarts);
    const bareSpawn = measured('bare Worker spawn → first message', 'ms', bare);
    const worstIntervals = latency.summary.max / interval;
    const checkMs = Math.max(10, Math.min(250, hb / 4)); // the supervisor's default check interval
    const worstRestart = restart.summary.max;
    const figures: Figure[] = [
      {
        name: 'stall detection latency',
        result: latency,
        baseline: hbMeasured,
        ratio: latency.summary.median / interval,
        ratioMeaning: 'heartbeat intervals (median); worst in the note',
        targets: [
          {
            text: `median ≤ ${TARGET_INTERVALS} heartbeat intervals`,
            met: latency.summary.median / interval <= TARGET_INTERVALS,
            actual: `${fmt(latency.summary.median / interval)} intervals, ${fmt(latency.summary.median)} ms`,
          },
          {
            text: `worst ≤ ${TARGET_INTERVALS} heartbeat intervals`,
            met: worstIntervals <= TARGET_INTERVALS,
            actual: `${fmt(worstIntervals)} intervals, ${fmt(latency.summary.max)} ms`,
          },
        ],
        note:
          `worst ${fmt(latency.summary.max)} ms = ${fmt(worstIntervals)} intervals. Latency = STALL_TIMEOUT − (onset − last heartbeat) + wait for the ` +
          `next check (every ${checkMs} ms) + timer lateness; with STALL_TIMEOUT = 3 intervals a stall that starts just after a heartbeat ` +
          `always exceeds 3 intervals, so the worst-case target needs STALL_TIMEOUT ≤ 3 intervals − the check interval`,
      },
      {
        name: 'restart to first heartbeat',
        result: restart,
        baseline: bareSpawn,
        ratio: restart.summary.median / bareSpawn.summary.median,
        ratioMeaning: 'times a bare worker spawn',
        targets: [
          {
            text: `median ≤ ${TARGET_RESTART_MS} ms`,
            met: restart.summary.median <= TARGET_RESTART_MS,
            actual: `${fmt(restart.summary.median)} ms`,
          },
          {
            text: `worst ≤ ${TARGET_RESTART_MS} ms`,
            met: worstRestart <= TARGET_RESTART_MS,
            actual: `${fmt(worstRestart)} ms`,
          },
        ],
        note: `worst ${fmt(worstRestart)} ms; stall event → first heartbeat (terminate included) median ${fmt(summarize(recoveries).median)} ms, worst ${fmt(Math.max(...recoveries))} ms`,
      },
    ];
    return {
      id: this.id,
      title: this.title,
      method:
        `${complete.length} induced stalls (busy loops) of a fixture worker on the real worker runtime under the real WorkerSupervisor, ` +
        `heartbeat every ${hb} ms with the production ratio STALL_TIMEOUT = 3 × heartbeat (set BENCH_HEARTBEAT_MS=1000 for the production ` +
        'values; a shorter interval keeps 20 stalls within a minute). Latency: the worker logs the time just before it starts spinning, ' +
        "the supervisor's stall event time minus that. Restart: first heartbeat of the new incarnation minus the time it was due to spawn " +
        '(restart event + backoff delay; the budget was raised so every stall restarts). Baselines in the same run: the heartbeat gap the ' +
        `supervisor observed, and ${spawns} spawns of an empty Worker to its first message.`,
      status: 'measured',
      figures,
      details: {
        heartbeatIntervalMs: hb,
        stallsInduced: stalls,
        cyclesMeasured: complete.length,
        latenciesMs: latencies,
        restartsMs: restarts,
        bareSpawnsMs: bare,
      },
      wallMs: Date.now() - started,
      ranAt: new Date(started).toISOString(),
      quick: ctx.quick,
    };
  },
};
