// Benchmark 4c: resident memory of the whole bot (the compiled supervisor entry in paper mode, with
// its workers and embedded simulator) when it reports ready and after a soak of BENCH_SOAK_S
// seconds (default 600), sampled from /proc. Baseline in the same run: an idle Node process.
// Until supervisor/main.ts lands, the harness reports "not measured yet".
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Benchmark, BenchContext, BenchResult, Figure } from './bench-result.js';
import { projectRoot } from './project-root.js';
import { envNumber, fmt, measured, sleep } from './stats.js';

const BOT_ENTRY = new URL('../supervisor/main.js', import.meta.url);
const IDLE = new URL('./fixtures/idle-process.js', import.meta.url);
const READY_TIMEOUT_MS = 90_000;

function rssMiB(pid: number): number {
  // VmRSS counts the whole process: every worker thread lives in it.
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) / 1024;
}

function isCommitted(root: string, file: string): boolean {
  try {
    return execFileSync('git', ['ls-files', file], { cwd: root, encoding: 'utf8' }).trim() !== '';
  } catch {
    return true; // not a git checkout: trust the file that is there
  }
}

const stderrTails = new WeakMap<ChildProcess, string>();

function lastStderr(child: ChildProcess): string {
  const lines = (stderrTails.get(child) ?? '').trim().split('\n');
  return lines.slice(-3).join(' | ') || '(no stderr)';
}

function startReady(entry: string, env: NodeJS.ProcessEnv, cwd: string): Promise<ChildProcess> {
  const child = fork(entry, [], { env, cwd, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
    stderrTails.set(child, stderr);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} did not report ready within ${READY_TIMEOUT_MS} ms`));
    }, READY_TIMEOUT_MS);
    child.on('message', (m) => {
      if (m === 'ready') {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code} before ready: ${stderr.trim()}`));
    });
  });
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

export const rssSoakBenchmark: Benchmark = {
  id: 'rss-soak',
  aliases: ['rss', 'soak', 'rss-soak'],
  title: 'Resident memory of the whole bot over a soak',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const started = Date.now();
    const soakS = envNumber(ctx.env, 'BENCH_SOAK_S', ctx.quick ? 20 : 600);
    const entry = ctx.env['BENCH_BOT_ENTRY'] ? path.resolve(ctx.env['BENCH_BOT_ENTRY']) : fileURLToPath(BOT_ENTRY);
    const base = {
      id: this.id,
      title: this.title,
      method:
        `Fork the compiled bot entry (${path.basename(path.dirname(entry))}/${path.basename(entry)}) with TRADING_MODE=paper, STATUS_PORT=0 and ` +
        `logs/data in a scratch folder under bench/tmp; wait for its process.send('ready'); read VmRSS from /proc every 5 s for ${soakS} s ` +
        '(BENCH_SOAK_S); then SIGTERM. Baseline in the same run: an idle Node process started the same way.',
      wallMs: 0,
      ranAt: new Date(started).toISOString(),
      quick: ctx.quick,
    };
    const root = projectRoot();
    let why: string | null = null;
    if (!existsSync(entry))
      why = `the bot entry ${path.relative(process.cwd(), entry)} does not exist (supervisor/main.ts has not landed)`;
    else if (!ctx.env['BENCH_BOT_ENTRY'] && !isCommitted(root, 'supervisor/main.ts')) {
      why =
        'supervisor/main.ts has not landed (not committed yet); BENCH_BOT_ENTRY=dist/supervisor/main.js measures a working-tree build anyway';
    }
    const notMeasured = (reason: string): BenchResult => {
      ctx.log(`not measured yet: ${reason}`);
      const figure = (name: string): Figure => ({
        name,
        result: null,
        baseline: null,
        ratio: null,
        ratioMeaning: '',
        targets: [{ text: 'report the figure (no numeric target set)', met: null }],
        note: `not measured yet: ${reason}`,
      });
      return {
        ...base,
        status: 'not measured',
        notMeasured: reason,
        figures: [figure('RSS at ready'), figure(`RSS after ${soakS} s soak`)],
        wallMs: Date.now() - started,
      };
    };
    if (why !== null) return notMeasured(why);

    const provenance = ctx.env['BENCH_BOT_ENTRY']
      ? `bot entry overridden with BENCH_BOT_ENTRY=${ctx.env['BENCH_BOT_ENTRY']}. `
      : '';
    const scratch = path.join(root, 'bench', 'tmp', `soak-${Date.now()}`);
    mkdirSync(scratch, { recursive: true });
    const idle = await startReady(fileURLToPath(IDLE), { ...process.env }, scratch);
    await sleep(1000);
    const idleRss = rssMiB(idle.pid!);
    await stop(idle);
    ctx.log(`baseline idle node: ${fmt(idleRss)} MiB`);

    const env = {
      ...process.env,
      TRADING_MODE: 'paper',
      STATUS_PORT: '0',
      LOG_DIR: path.join(scratch, 'logs'),
      DATA_DIR: path.join(scratch, 'data'),
    };
    let bot: ChildProcess;
    try {
      bot = await startReady(entry, env, root);
    } catch (err) {
      return notMeasured(`the bot did not start: ${(err as Error).message}`);
    }
    const samples: { t: number; mib: number }[] = [];
    const t0 = Date.now();
    let exitCode: number | null = null;
    try {
      samples.push({ t: 0, mib: rssMiB(bot.pid!) });
      ctx.log(`bot ready: ${fmt(samples[0]!.mib)} MiB; soaking ${soakS} s`);
      while (Date.now() - t0 < soakS * 1000) {
        await sleep(Math.min(5000, soakS * 1000 - (Date.now() - t0)));
        if (bot.exitCode !== null) {
          return notMeasured(
            `the bot exited with code ${bot.exitCode} ${fmt((Date.now() - t0) / 1000)} s into the soak: ${lastStderr(bot)}`,
          );
        }
        const s = { t: (Date.now() - t0) / 1000, mib: rssMiB(bot.pid!) };
        samples.push(s);
        if (samples.length % 6 === 0) ctx.log(`soak ${fmt(s.t)} s / ${soakS} s: ${fmt(s.mib)} MiB`);
      }
    } finally {
      exitCode = await stop(bot);
    }
    const atStart = samples[0]!.mib;
    const atEnd = samples[samples.length - 1]!.mib;
    const tail = samples.slice(-Math.max(1, Math.floor(samples.length / 10))).map((s) => s.mib);
    const idleM = measured('idle Node process', 'MiB', [idleRss]);
    const figures: Figure[] = [
      {
        name: 'RSS at ready',
        result: measured('whole bot RSS when it reported ready', 'MiB', [atStart]),
        baseline: idleM,
        ratio: atStart / idleRss,
        ratioMeaning: 'times an idle Node process',
        targets: [],
        ...(provenance ? { note: provenance.trim() } : {}),
      },
      {
        name: `RSS after ${soakS} s soak`,
        result: measured(`whole bot RSS over the last tenth of the soak`, 'MiB', tail),
        baseline: measured('whole bot RSS at ready', 'MiB', [atStart]),
        ratio: atEnd / atStart,
        ratioMeaning: 'end ÷ start',
        targets: [],
        note: `${provenance}peak ${fmt(Math.max(...samples.map((s) => s.mib)))} MiB; exit code after SIGTERM ${String(exitCode)}`,
      },
    ];
    return { ...base, status: 'measured', figures, details: { soakS, samples }, wallMs: Date.now() - started };
  },
};
