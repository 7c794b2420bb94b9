// pm2 deployment: `npm run build && npx pm2 start ecosystem.config.js` (README: "Running under pm2").
// The package is ESM, so this file is an ES module: pm2 loads it with require(), which Node >= 20.19
// accepts for an ES module without top-level await; pm2 reads the named export `apps`.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';

const root = import.meta.dirname;

// The bot reads `.env` from its working directory with the real environment winning. Read the two
// settings pm2 itself depends on the same way, so pm2's stop timeout and log folder follow the bot's
// configuration wherever it is set.
const dotenvFile = path.join(root, '.env');
const settings = { ...(existsSync(dotenvFile) ? dotenv.parse(readFileSync(dotenvFile)) : {}), ...process.env };
const setting = (name, fallback) => {
  const value = (settings[name] ?? '').trim();
  return value === '' ? fallback : value;
};

const shutdownTimeoutS = Number(setting('SHUTDOWN_TIMEOUT', '10'));
// After SHUTDOWN_TIMEOUT the supervisor still terminates stragglers, flushes alerts (up to 2 s) and
// the log (up to 1 s) and prints the final report; pm2 must not SIGKILL any of that.
const killTimeoutMs = ((Number.isFinite(shutdownTimeoutS) && shutdownTimeoutS > 0 ? shutdownTimeoutS : 10) + 10) * 1000;
const logDir = path.resolve(root, setting('LOG_DIR', 'logs'));
// Workers get STARTUP_TIMEOUT to report in (and a restart after it): pm2 must wait longer than that
// for `ready`, or it would call a slow start a failed one.
const startupTimeoutS = Number(setting('STARTUP_TIMEOUT', '30'));
const listenTimeoutMs = Math.max(
  60_000,
  ((Number.isFinite(startupTimeoutS) && startupTimeoutS > 0 ? startupTimeoutS : 30) + 30) * 1000,
);

export const apps = [
  {
    name: 'kucoin-futures-bot',
    // BOT_SCRIPT runs another build of the entry (the deployment test points it at its own build).
    script: setting('BOT_SCRIPT', 'dist/supervisor/main.js'),
    cwd: root,
    node_args: ['--enable-source-maps'],
    exec_mode: 'fork',
    instances: 1,
    autorestart: true,
    // The supervisor exits non-zero when a worker exceeds its restart budget; pm2 restarts the whole
    // process after 1 s, growing the delay (x1.5, at most 15 s) while it keeps failing, and resets
    // the delay once the bot has stayed up for 30 s.
    exp_backoff_restart_delay: 1000,
    // Exit code 2 is a configuration error, 3 a journal that cannot open or migrate (read-only
    // directory, not a database, corrupt, disk full): restarting cannot fix either.
    stop_exit_codes: [2, 3],
    // pm2 sends SIGINT (graceful stop, final report, exit 0) and SIGKILLs only after this.
    kill_timeout: killTimeoutMs,
    // The bot sends process.send('ready') once every worker has reported in; until then pm2 shows
    // the app as `launching`, and `pm2 start` / `pm2 reload` wait for it (at most listen_timeout:
    // 60 s, or STARTUP_TIMEOUT + 30 s when that is longer).
    wait_ready: true,
    listen_timeout: listenTimeoutMs,
    // A leak guard: the bot's steady state is far below this; pm2 restarts it (gracefully) above it.
    max_memory_restart: '1G',
    // One out and one error file for the app, not a file per pm2 process id.
    merge_logs: true,
    out_file: path.join(logDir, 'pm2-out.log'),
    error_file: path.join(logDir, 'pm2-error.log'),
    // Alerts and trade lines carry no timestamp of their own.
    time: true,
    // The rest of the bot's settings come from `.env` in `cwd` and from the environment `pm2 start`
    // runs in (pm2 keeps that environment across restarts; use `pm2 restart --update-env` after
    // changing it).
    env: { NODE_ENV: 'production' },
  },
];
