// End to end, the always-on performance advisor and on-demand profiles against the whole bot:
// with PERF_INJECT=scanner:block=150 an "event-loop-blocked" suggestion for the scanner shows in
// /health and /metrics (and as one alert) and clears after the injection ends; `npm run profile`
// writes a CPU profile of the scanner taken inside the thread, and a heap snapshot does not make
// the thread look stalled. Short windows (SUGGESTION_WINDOW=5, CHECK_INTERVAL=1) keep it bounded.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { HealthReport } from '../../src/health/health-report.js';
import { parseCpuProfile } from '../../src/perf/cpu-profile-summary.js';
import { BotProcess } from './support/bot-process.js';
import { fetchHealth } from './support/fetch-health.js';
import { waitUntil } from '../support/wait-until.js';
import { runToExit } from '../support/child-process.js';

const PROFILE_CLI = fileURLToPath(new URL('../../src/perf/profile-cli.js', import.meta.url));
const TOKEN = 'e2e-perf-token';
/** The injection's end, seconds after the scanner starts. */
const INJECT_FOR_S = 20;

const scannerBlocked = (r: HealthReport): boolean =>
  (r.performance.suggestions ?? []).some((s) => s.id === 'event-loop-blocked' && s.thread === 'scanner');

/** Polls /health until `until` holds for a report (a condition on the bot's own state, not a sleep). */
function waitForReport(
  base: string,
  what: string,
  timeoutMs: number,
  until: (r: HealthReport) => boolean,
): Promise<HealthReport> {
  let last: HealthReport | undefined;
  return waitUntil(
    what,
    async () => {
      last = await fetchHealth(base, TOKEN);
      return until(last) ? last : undefined;
    },
    {
      timeoutMs,
      intervalMs: 250,
      diagnostics: () => `last suggestions: ${JSON.stringify(last?.performance.suggestions)}`,
    },
  );
}

describe('e2e: optimisation suggestions and on-demand profiles', function () {
  this.timeout(150_000);
  let bot: BotProcess | undefined;
  let dir: string | undefined;

  afterEach(async () => {
    bot?.kill();
    await bot?.exited;
    if (dir) rmSync(dir, { recursive: true, force: true });
    bot = dir = undefined;
  });

  it('PERF_INJECT=scanner:block=150 raises a scanner suggestion within 60 s that clears after the injection; profiles are written', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'e2e-perf-'));
    bot = BotProcess.start({
      dir,
      env: {
        PERF_INJECT: `scanner:block=150:for=${INJECT_FOR_S}`,
        SUGGESTION_WINDOW: '5',
        CHECK_INTERVAL: '1',
        // Nothing passes the turnover floor: the scanner's own work stays tiny, the block is the load.
        MIN_TURNOVER: '1e15',
        STATUS_TOKEN: TOKEN,
        // The `PERF_INJECT active` and `suggestion cleared` records reach the console only at debug.
        LOG_LEVEL: 'debug',
      },
    });
    const base = `${await bot.statusUrl(30_000)}/`;
    await bot.waitForLine(/PERF_INJECT active/, 'the injection', 30_000);

    // Appears within 60 s, with the thread's runtime figures beside it.
    const raised = await waitForReport(base, 'the scanner suggestion', 60_000, scannerBlocked);
    const suggestion = raised.performance.suggestions!.find(
      (s) => s.thread === 'scanner' && s.id === 'event-loop-blocked',
    )!;
    expect(suggestion.evidence).to.match(/event-loop delay max \d+ ms, \d+ intervals at or above 100 ms/);
    expect(suggestion.advice).to.match(/npm run profile -- --thread scanner/);
    expect(raised.threads['scanner']?.runtime?.event_loop_delay_ms.max).to.be.at.least(100);
    for (const thread of ['supervisor', 'scanner', 'position-monitor', 'order-executor']) {
      expect(raised.threads[thread]?.runtime, `${thread} runtime`).to.include.keys(
        'event_loop_delay_ms',
        'elu',
        'heap_used_mb',
        'heap_limit_mb',
        'gc_ms_per_min',
      );
    }
    await bot.waitForLine(
      /ALERT OPTIMISATION SUGGESTION event-loop-blocked\/scanner: /,
      'the suggestion alert',
      10_000,
    );

    // /metrics (behind the token) carries it too.
    const unauthorised = await fetch(new URL('metrics', base));
    expect(unauthorised.status).to.equal(401);
    const metrics = await (
      await fetch(new URL('metrics', base), { headers: { Authorization: `Bearer ${TOKEN}` } })
    ).text();
    expect(metrics).to.match(/kucoin_bot_suggestion_active\{id="event-loop-blocked",thread="scanner"\} 1/);
    expect(metrics).to.match(/kucoin_bot_thread_event_loop_delay_seconds\{thread="scanner",quantile="1"\}/);

    // Still there more than two windows into the injection: the block, not start-up noise, causes it.
    await waitForReport(base, 'a report 12 s in', 60_000, (r) => r.uptime.seconds >= 12);
    expect(scannerBlocked(await fetchHealth(base, TOKEN)), 'still raised 12 s into the injection').to.equal(true);

    // Clears once the injection has ended and a full window passed without the condition.
    const cleared = await waitForReport(base, 'the suggestion to clear', 90_000, (r) => !scannerBlocked(r));
    expect(cleared.uptime.seconds).to.be.at.least(INJECT_FOR_S);
    await bot.waitForLine(
      /optimisation suggestion cleared: event-loop-blocked \(scanner\)/,
      'the cleared line',
      10_000,
    );

    // On demand: a CPU profile of the scanner, through the status server with the token.
    const env = { PATH: process.env['PATH'] ?? '', STATUS_TOKEN: TOKEN, LOG_DIR: path.join(dir, 'logs') };
    const run = async (args: string[]): Promise<{ stdout: string }> => {
      const r = await runToExit(
        'npm run profile',
        { command: process.execPath, args: [PROFILE_CLI, ...args] },
        { cwd: dir, env },
        60_000,
      );
      expect(r.code, r.output).to.equal(0);
      return r;
    };
    const cpu = await run(['--thread', 'scanner', '--seconds', '2', '--url', base]);
    expect(cpu.stdout).to.match(/top 15 by self time/);
    const profiles = path.join(dir, 'logs', 'profiles');
    const cpuFile = readdirSync(profiles).find((f) => /^scanner-.*\.cpuprofile$/.test(f));
    expect(cpuFile, 'the .cpuprofile file').to.be.a('string');
    const profile = parseCpuProfile(readFileSync(path.join(profiles, cpuFile!), 'utf8'));
    expect(profile.nodes.length).to.be.greaterThan(1);
    expect(profile.samples.length).to.be.greaterThan(0);

    // A heap snapshot blocks the executor while V8 writes it: no stall, no restart.
    const linesBefore = bot.lines.length;
    await run(['--thread', 'order-executor', '--heap', '--url', base]);
    expect(readdirSync(profiles).some((f) => /^order-executor-.*\.heapsnapshot$/.test(f))).to.equal(true);
    const report = await fetchHealth(base, TOKEN);
    expect(report.threads['order-executor']?.state).to.equal('running');
    expect(bot.matching(/THREAD STALL order-executor|worker restart/, linesBefore)).to.deep.equal([]);

    const exit = await bot.interrupt(30_000);
    expect(exit.code).to.equal(0);
    expect(bot.output).to.match(/OPTIMISATION SUGGESTIONS:/);
  });
});
