// `npm run bench [-- <names>]`: runs the selected benchmarks (all by default) one after another,
// printing progress, then writes BENCHMARKS.md and bench/results.json at the project root.
// BENCH_QUICK=1 runs short smoke-test sizes and writes to bench/tmp/ instead, so a smoke test never
// replaces the committed figures.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { Benchmark, BenchResult } from './bench-result.js';
import { clusterQuotaBenchmark } from './cluster-quota.js';
import { healthRecordBenchmark } from './health-record.js';
import { machineFacts } from './machine.js';
import { perfAdvisorBenchmark } from './perf-advisor.js';
import { projectRoot } from './project-root.js';
import { quotaUseBenchmark } from './quota-use.js';
import { mergeResults, readResults, writeReport, type RunInfo } from './report.js';
import { rssSoakBenchmark } from './rss-soak.js';
import { scanThroughputBenchmark } from './scan-throughput.js';
import { sharedLimiterBenchmark } from './shared-limiter.js';
import { stallRecoveryBenchmark } from './stall-recovery.js';

export const BENCHMARKS: readonly Benchmark[] = [
  healthRecordBenchmark,
  sharedLimiterBenchmark,
  scanThroughputBenchmark,
  stallRecoveryBenchmark,
  quotaUseBenchmark,
  clusterQuotaBenchmark,
  rssSoakBenchmark,
  perfAdvisorBenchmark,
];

function commandLine(args: readonly string[]): string {
  const env = Object.keys(process.env)
    .filter((k) => k.startsWith('BENCH_'))
    .sort()
    .map((k) => `${k}=${process.env[k] ?? ''}`);
  const base =
    process.env['npm_lifecycle_event'] === 'bench'
      ? 'npm run bench'
      : `node ${path.relative(process.cwd(), process.argv[1] ?? 'dist/bench/run.js')}`;
  const tail = args.length > 0 ? `${base === 'npm run bench' ? ' --' : ''} ${args.join(' ')}` : '';
  return [...env, `${base}${tail}`].join(' ');
}

function gitState(root: string): RunInfo['git'] {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).trim() !==
      '';
    return { commit, dirty };
  } catch {
    return null;
  }
}

const load1 = (): number => Math.round((os.loadavg()[0] ?? 0) * 100) / 100;

function select(args: readonly string[]): Benchmark[] {
  if (args.length === 0) return [...BENCHMARKS];
  const chosen = new Set<Benchmark>();
  for (const arg of args) {
    const b = BENCHMARKS.find((x) => x.id === arg || x.aliases.includes(arg));
    if (!b) {
      const names = BENCHMARKS.map((x) => `${x.aliases.join('|')}`).join(', ');
      throw new Error(`unknown benchmark "${arg}"; choose from: ${names}`);
    }
    chosen.add(b);
  }
  return BENCHMARKS.filter((b) => chosen.has(b));
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2).filter((a) => a !== '--');
  if (argv.includes('--render')) {
    // Re-render BENCHMARKS.md from bench/results.json without measuring anything (after a report format change).
    const root = projectRoot();
    const json = path.join(root, 'bench', 'results.json');
    const existing = readResults(json);
    if (!existing) throw new Error(`${json} is missing or unreadable`);
    writeReport(existing, { markdown: path.join(root, 'BENCHMARKS.md'), json });
    console.log('re-rendered BENCHMARKS.md from bench/results.json');
    return;
  }
  const args = argv;
  const quick =
    process.env['BENCH_QUICK'] !== undefined && process.env['BENCH_QUICK'] !== '' && process.env['BENCH_QUICK'] !== '0';
  const selected = select(args);
  const root = projectRoot();
  const machine = machineFacts();
  const startedAt = new Date().toISOString();
  const loadAtStart = load1();
  const git = gitState(root);
  const t0 = performance.now();
  const stamp = (): string => `+${((performance.now() - t0) / 1000).toFixed(1)}s`;
  console.log(`bench: ${selected.map((b) => b.id).join(', ')}${quick ? ' (quick mode)' : ''}`);
  console.log(`machine: ${machine.cores} cores, ${machine.cpuModel}, Node ${machine.node}`);
  const results: BenchResult[] = [];
  let failed = 0;
  for (const [i, b] of selected.entries()) {
    const tag = `[${i + 1}/${selected.length} ${b.id}]`;
    console.log(`\n${tag} ${b.title}`);
    const log = (message: string): void => console.log(`${tag} ${stamp()} ${message}`);
    try {
      results.push(await b.run({ quick, log, env: process.env }));
    } catch (err) {
      failed++;
      console.error(`${tag} FAILED: ${(err as Error).stack ?? String(err)}`);
    }
  }
  const run: RunInfo = {
    command: commandLine(args),
    startedAt,
    finishedAt: new Date().toISOString(),
    quick,
    machine,
    loadAverage: { start: loadAtStart, end: load1() },
    git,
  };
  const paths = quick
    ? {
        markdown: path.join(root, 'bench', 'tmp', 'BENCHMARKS.quick.md'),
        json: path.join(root, 'bench', 'tmp', 'results.quick.json'),
      }
    : { markdown: path.join(root, 'BENCHMARKS.md'), json: path.join(root, 'bench', 'results.json') };
  // A partial run keeps the other benchmarks' earlier figures; a full run replaces everything.
  const previous = args.length > 0 ? readResults(paths.json) : undefined;
  const merged = mergeResults(
    previous,
    run,
    results,
    BENCHMARKS.map((b) => b.id),
  );
  writeReport(merged, paths);
  console.log(
    `\nwrote ${path.relative(process.cwd(), paths.markdown)} and ${path.relative(process.cwd(), paths.json)}`,
  );
  for (const b of results) {
    for (const f of b.figures) {
      for (const t of f.targets)
        console.log(
          `  ${t.met === null ? 'NOT MEASURED' : t.met ? 'MET    ' : 'NOT MET'}  ${b.id} / ${f.name}: ${t.text}`,
        );
    }
  }
  if (failed > 0) {
    console.error(`${failed} benchmark(s) failed`);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
