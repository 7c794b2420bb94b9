// Benchmark 3: contracts analysed per second by the piscina pool running the compiled indicator
// task (dist/workers/indicator-task.js), against one thread calling analyzeSymbol directly, for
// 50, 200 and 500 contracts of deterministic synthetic candles.
import { Piscina } from 'piscina';
import { analyzeSymbol } from '../src/strategy/analyze-symbol.js';
import type { IndicatorTaskInput, SignalResult } from '../src/strategy/signal-types.js';
import type { Benchmark, BenchContext, BenchResult, Figure } from './bench-result.js';
import { fmt, fmtSummary, measured, nowNs, summarize } from './stats.js';
import { syntheticScan } from './synthetic-klines.js';

const TASK = new URL('../workers/indicator-task.js', import.meta.url);
const SIZES = [50, 200, 500] as const;
const CANDLES = 200;

function checkResults(inputs: readonly IndicatorTaskInput[], out: readonly SignalResult[]): number {
  if (out.length !== inputs.length)
    throw new Error(`scan returned ${out.length} results for ${inputs.length} contracts`);
  let signals = 0;
  for (let i = 0; i < out.length; i++) {
    const r = out[i]!;
    if (r.symbol !== inputs[i]!.symbol)
      throw new Error(`result ${i} is for ${r.symbol}, expected ${inputs[i]!.symbol}`);
    if (r.reasons[0]?.startsWith('invalid klines') || r.reasons[0]?.startsWith('too few candles'))
      throw new Error(`${r.symbol} rejected: ${r.reasons[0]}`);
    if (r.side !== 'none') signals++;
  }
  return signals;
}

export const scanThroughputBenchmark: Benchmark = {
  id: 'scan-throughput',
  aliases: ['scan', 'scan-throughput'],
  title: 'Scan throughput (contracts analysed per second)',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const started = Date.now();
    const threads = Math.max(1, (await import('node:os')).availableParallelism());
    const pool = new Piscina<IndicatorTaskInput, SignalResult>({
      filename: TASK.href,
      minThreads: threads,
      maxThreads: threads,
    });
    const figures: Figure[] = [];
    const signalsBySize: Record<string, number> = {};
    const reps = ctx.quick ? 2 : 7;
    try {
      // Start every pool thread and load the task module before timing anything.
      await Promise.all(syntheticScan(threads * 4, CANDLES).map((i) => pool.run(i)));
      for (const size of SIZES) {
        const inputs = syntheticScan(size, CANDLES);
        const signals = checkResults(
          inputs,
          inputs.map((input) => analyzeSymbol(input)),
        );
        const runSingle = (): number => {
          const t0 = nowNs();
          const out = inputs.map((input) => analyzeSymbol(input));
          const s = Number(nowNs() - t0) / 1e9;
          if (checkResults(inputs, out) !== signals) throw new Error('single-thread signals changed between runs');
          return size / s;
        };
        const runPool = async (): Promise<number> => {
          const t0 = nowNs();
          const out = await Promise.all(inputs.map((input) => pool.run(input)));
          const s = Number(nowNs() - t0) / 1e9;
          if (checkResults(inputs, out) !== signals)
            throw new Error('pool and single thread disagree on the number of signals');
          return size / s;
        };
        // Warm-up, then alternate the two so load from other work on the machine hits both.
        runSingle();
        await runPool();
        const single: number[] = [];
        const pooled: number[] = [];
        for (let r = 0; r < reps; r++) {
          single.push(runSingle());
          pooled.push(await runPool());
        }
        ctx.log(`one thread, ${size} contracts: ${fmtSummary(summarize(single), 'contracts/s')}`);
        ctx.log(
          `piscina pool (${threads} threads), ${size} contracts: ${fmtSummary(summarize(pooled), 'contracts/s')}`,
        );
        const ratios = pooled.map((v, i) => v / single[i]!);
        signalsBySize[String(size)] = signals;
        const baseline = measured(`analyzeSymbol on one thread, ${size} contracts`, 'contracts/s', single);
        const result = measured(`piscina pool of ${threads}, ${size} contracts`, 'contracts/s', pooled);
        const ratio = summarize(ratios).median;
        figures.push({
          name: `${size} contracts`,
          result,
          baseline,
          ratio,
          ratioMeaning: 'times the single-thread throughput (median of paired repetitions)',
          targets: [],
          note: `${signals} of ${size} produced a signal; the ceiling on this machine is ${threads}× (cores)`,
        });
        ctx.log(
          `${size} contracts: pool ${fmt(result.summary.median)}/s vs one thread ${fmt(baseline.summary.median)}/s = ${fmt(ratio)}×`,
        );
      }
    } finally {
      await pool.destroy();
    }
    return {
      id: this.id,
      title: this.title,
      method:
        `Synthetic seeded random-walk candles, ${CANDLES} per contract; each repetition analyses every contract once (results checked: ` +
        'right symbols, none rejected, same number of signals both ways); 1 warm-up repetition each discarded, ' +
        `${reps} kept, single-thread and pool repetitions alternating. Pool: piscina with min = max = ${threads} threads (the core count) on the compiled task file, started and warmed ` +
        'before timing; the time includes the structured clone of the candles to the threads and of the results back. Baseline in the ' +
        'same run: analyzeSymbol called in a loop on the main thread. No target was set for this figure.',
      status: 'measured',
      figures,
      details: { candlesPerContract: CANDLES, poolThreads: threads, signals: signalsBySize },
      wallMs: Date.now() - started,
      ranAt: new Date(started).toISOString(),
      quick: ctx.quick,
    };
  },
};
