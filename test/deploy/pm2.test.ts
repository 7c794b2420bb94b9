// Deployment under the real pm2 with the real ecosystem.config.js: pm2 accepts the ESM config, holds
// the app in `launching` until the bot's `ready`, the status server answers, a stalled worker thread
// is replaced inside the same process (alert in pm2's error log, restart in the bot's JSON log),
// `pm2 stop` is a graceful SIGINT (exit 0, final report in pm2's out log), a restart-budget
// escalation makes pm2 restart the process after its backoff delay, and `pm2 kill` leaves nothing.
import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fetchHealth } from '../../src/status/status-client.js';
import { STORE_OPEN_EXIT_CODE } from '../../src/store/index.js';
import { repoRoot } from '../support/repo-root.js';
import { freePort } from '../support/free-port.js';
import { Pm2Cli, type Pm2Process } from './pm2-cli.js';
import { jsonLines, readText } from './read-text.js';
import { waitUntil } from '../support/wait-until.js';
import { BOT_ENTRY } from '../support/bot-entry.js';

const APP = 'kucoin-futures-bot';
// The entry built next to this test, whichever outDir that is (dist/ in `npm test`).
const SHUTDOWN_TIMEOUT_S = 5;

describe('deployment under pm2 (real CLI, ecosystem.config.js)', function () {
  this.timeout(120_000);
  const root = repoRoot();
  const ecosystem = path.join(root, 'ecosystem.config.js');
  let dir = '';
  let pm2: Pm2Cli;
  let statusPort = 0;
  let logDir = '';

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'deploy-pm2-'));
    logDir = path.join(dir, 'logs');
    statusPort = await freePort();
    const base: NodeJS.ProcessEnv = {};
    // The bot's own settings come only from what this test sets (a developer's shell may export some).
    for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('PM2_')) base[key] = value;
    pm2 = new Pm2Cli(
      path.join(root, 'node_modules', 'pm2', 'bin', 'pm2'),
      path.join(dir, 'pm2-home'),
      {
        ...base,
        BOT_SCRIPT: BOT_ENTRY,
        TRADING_MODE: 'paper',
        SIM_URL: '',
        SIM_PORT: '0',
        SIM_SPEED: '60',
        DATA_DIR: path.join(dir, 'data'),
        LOG_DIR: logDir,
        LOG_LEVEL: 'info',
        STATUS_HOST: '127.0.0.1',
        STATUS_PORT: String(statusPort),
        STATUS_TOKEN: '',
        ALERT_WEBHOOK_URL: '',
        CHECK_INTERVAL: '2',
        HEARTBEAT_INTERVAL: '0.5',
        STALL_TIMEOUT: '3', // headroom for a loaded 2-core machine: only the injected stall should fire
        SHUTDOWN_TIMEOUT: String(SHUTDOWN_TIMEOUT_S),
        MAX_RESTARTS: '5',
        STALL_INJECT: 'scanner:4',
      },
      dir,
    );
    expect(existsSync(pm2.bin), `pm2 CLI at ${pm2.bin}`).to.equal(true);
    expect(existsSync(BOT_ENTRY), `built entry at ${BOT_ENTRY}`).to.equal(true);
  });

  after(async function () {
    this.timeout(30_000);
    if (pm2 !== undefined && existsSync(pm2.home)) {
      await pm2.run(['kill'], 20_000).catch(() => undefined);
      for (const pid of pm2.survivors()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  const botLog = (): string => path.join(logDir, 'bot.log');
  const pm2Out = (): string => path.join(logDir, 'pm2-out.log');
  const pm2Err = (): string => path.join(logDir, 'pm2-error.log');
  const diagnostics = (): string =>
    `--- pm2 daemon log ---\n${pm2.daemonLog().slice(-3000)}\n--- pm2 error log ---\n${readText(pm2Err()).slice(-3000)}\n` +
    `--- pm2 out log ---\n${readText(pm2Out()).slice(-3000)}`;
  const app = async (): Promise<Pm2Process | undefined> => (await pm2.list()).find((p) => p.name === APP);
  const online = async (): Promise<Pm2Process | undefined> => {
    const p = await app();
    return p?.pm2_env.status === 'online' && p.pid > 0 ? p : undefined;
  };

  it('starts from the ESM config, waits for ready, replaces a stalled thread in-process, and stops gracefully', async () => {
    const t0 = performance.now();
    const started = await pm2.ok(['start', ecosystem], 90_000);
    expect(started.stdout).to.contain("option 'wait_ready' set");
    // pm2 keeps the app `launching` until process.send('ready'), which the bot sends once all
    // workers have reported in: so by the time it is online, the log already says so.
    const first = await waitUntil('the app to be online', online, { timeoutMs: 40_000, diagnostics });
    const onlineMs = performance.now() - t0;
    expect(
      jsonLines(botLog()).some((r) => r['message'] === 'all workers reported in'),
      diagnostics(),
    ).to.equal(true);
    expect(onlineMs, 'online well before listen_timeout, so by the ready message').to.be.below(40_000);

    // The configuration pm2 actually loaded from ecosystem.config.js.
    const env = first.pm2_env;
    expect(env.pm_exec_path).to.equal(BOT_ENTRY);
    expect(env.pm_cwd).to.equal(root);
    expect(env.wait_ready).to.equal(true);
    expect(env.listen_timeout).to.be.at.least(30_000);
    expect(env.kill_timeout).to.be.above(SHUTDOWN_TIMEOUT_S * 1000);
    expect(env.exp_backoff_restart_delay).to.be.above(0);
    expect(env.max_memory_restart).to.equal(1024 ** 3);
    // 2: bad configuration, 3: the journal cannot open; a restart heals neither.
    expect([env.stop_exit_codes].flat()).to.deep.equal([2, STORE_OPEN_EXIT_CODE]);
    expect(env.node_args).to.include('--enable-source-maps');
    expect(env.pm_out_log_path).to.equal(pm2Out());
    expect(env.pm_err_log_path).to.equal(pm2Err());
    expect(env.env['NODE_ENV']).to.equal('production');
    expect(env.env['STATUS_PORT'], 'the start environment reaches the app').to.equal(String(statusPort));
    expect(env.restart_time).to.equal(0);

    const health = await fetchHealth({ baseUrl: `http://127.0.0.1:${statusPort}/`, token: '' });
    if (health.kind !== 'report') throw new Error(`GET /health: ${health.reason}`);
    expect(health.httpStatus).to.equal(200);
    // The three workers; the performance advisor adds the supervisor (and the pool) from their
    // runtime samples, which are their only beat.
    expect(Object.keys(health.report.threads)).to.include.members(['order-executor', 'position-monitor', 'scanner']);

    // STALL_INJECT=scanner:4: the scanner busy-loops; the supervisor alerts on stderr, logs the
    // restart and replaces the thread; pm2's process is untouched.
    const restart = await waitUntil(
      'the scanner restart in bot.log',
      () => jsonLines(botLog()).find((r) => r['message'] === 'worker restart' && r['worker'] === 'scanner'),
      { timeoutMs: 30_000, diagnostics },
    );
    expect(restart['reason']).to.equal('stall');
    expect(restart['level']).to.equal('warn');
    await waitUntil(
      'the stall alert in pm2-error.log',
      () => (/THREAD STALL scanner: no heartbeat for \d+(\.\d+)? s/.test(readText(pm2Err())) ? true : undefined),
      {
        timeoutMs: 10_000,
        diagnostics,
      },
    );
    await waitUntil(
      'the replacement scanner heartbeating',
      () => jsonLines(botLog()).find((r) => r['message'] === 'scanner heartbeating' && r['generation'] === 1),
      { timeoutMs: 20_000, diagnostics },
    );
    const after = await waitUntil(
      'a healthy scanner after its restart',
      async () => {
        const h = await fetchHealth({ baseUrl: `http://127.0.0.1:${statusPort}/`, token: '' });
        return h.kind === 'report' &&
          h.report.threads['scanner']?.healthy === true &&
          h.report.threads['scanner'].restarts === 1
          ? h
          : undefined;
      },
      { timeoutMs: 20_000, diagnostics },
    );
    expect(after.report.threads['scanner']?.last_restart_reason ?? '').to.match(/stall/);
    const same = await app();
    expect(same?.pid, 'a thread restart is not a process restart').to.equal(first.pid);
    expect(same?.pm2_env.restart_time).to.equal(0);
    const rssMb = (same?.monit?.memory ?? 0) / 1024 ** 2;

    // pm2 stop = SIGINT: the bot stops its workers, prints the final report and exits 0, well
    // inside kill_timeout (pm2 would SIGKILL after it).
    const stopAt = performance.now();
    await pm2.ok(['stop', APP], 60_000);
    const stopMs = performance.now() - stopAt;
    expect(stopMs).to.be.below((env.kill_timeout ?? 0) - 1000);
    const out = readText(pm2Out());
    expect(out).to.contain('BOT HEALTH REPORT');
    // pm2 stamps every line (time: true); no line's content starts with a second, bot-made stamp.
    const doubled = [...out.split('\n'), ...readText(pm2Err()).split('\n')].filter((l) =>
      /^\d{4}-\d\d-\d\dT[\d:]+: \d{4}-\d\d-\d\dT/.test(l),
    );
    expect(doubled, 'lines with two timestamps').to.deep.equal([]);
    expect(out).to.contain('Overall Health');
    expect(pm2.daemonLog()).to.match(
      new RegExp(`App \\[${APP}:\\d+\\] exited with code \\[0\\] via signal \\[SIGINT\\]`),
    );
    expect((await app())?.pm2_env.status).to.equal('stopped');
    await pm2.ok(['delete', APP]);
    expect(await app()).to.equal(undefined);
    console.log(
      `      pm2: online after ${Math.round(onlineMs)} ms, stop took ${Math.round(stopMs)} ms, RSS ${rssMb.toFixed(0)} MB`,
    );
  });

  it('restarts the whole process with backoff when the bot exceeds its restart budget', async () => {
    await pm2.run(['delete', APP]); // in case the test before failed half-way
    // pm2 logs "will restart in" even for a deliberate stop: look only at what this test causes.
    const daemonFrom = pm2.daemonLog().length;
    const errFrom = readText(pm2Err()).length;
    // MAX_RESTARTS=0: the first stall is over budget, so the supervisor stops and exits non-zero.
    const t0 = performance.now();
    await pm2.ok(['start', ecosystem], 90_000, { MAX_RESTARTS: '0', STALL_INJECT: 'scanner:1' });
    const first = await waitUntil('the app to be online', online, { timeoutMs: 40_000, diagnostics });
    const second = await waitUntil(
      'pm2 to restart the process',
      async () => {
        const p = await online();
        return p !== undefined && p.pid !== first.pid && p.pm2_env.restart_time >= 1 ? p : undefined;
      },
      { timeoutMs: 40_000, diagnostics },
    );
    expect(second.pm2_env.status).to.equal('online');
    const daemon = pm2.daemonLog().slice(daemonFrom);
    expect(daemon).to.match(new RegExp(`App \\[${APP}:\\d+\\] exited with code \\[1\\]`));
    expect(daemon).to.match(new RegExp(`App \\[${APP}:\\d+\\] will restart in 1000ms`));
    expect(readText(pm2Err()).slice(errFrom)).to.match(/THREAD ESCALATE scanner/);
    console.log(`      pm2: escalation -> process restart in ${Math.round(performance.now() - t0)} ms`);
    await pm2.ok(['delete', APP], 60_000);
  });

  it('leaves no process of its PM2_HOME running after pm2 kill', async () => {
    expect(pm2.survivors(), 'the daemon runs before the kill').to.not.deep.equal([]);
    await pm2.ok(['kill'], 30_000);
    const left = await waitUntil(
      'every PM2_HOME process to exit',
      () => (pm2.survivors().length === 0 ? true : undefined),
      {
        timeoutMs: 10_000,
        diagnostics: () => `still running: ${pm2.survivors().join(', ')}`,
      },
    );
    expect(left).to.equal(true);
  });
});
