// pm2 deployment: `npm run build && pm2 start ecosystem.config.js`.
// The package is ESM; Node 20 loads this file through require(esm), so the apps are a named export.
const SHUTDOWN_TIMEOUT_S = Number(process.env.SHUTDOWN_TIMEOUT ?? 10);

export const apps = [
  {
    name: 'kucoin-futures-bot',
    script: 'dist/supervisor/main.js',
    cwd: import.meta.dirname,
    exec_mode: 'fork',
    instances: 1,
    autorestart: true,
    // Restart budget exhausted => the supervisor exits non-zero; pm2 backs off before the next try.
    exp_backoff_restart_delay: 1000,
    // Must exceed the supervisor's own graceful-shutdown timeout so pm2 never SIGKILLs a clean stop.
    kill_timeout: (SHUTDOWN_TIMEOUT_S + 5) * 1000,
    wait_ready: true,
    listen_timeout: 60_000,
    max_memory_restart: '1G',
    merge_logs: true,
    out_file: 'logs/pm2-out.log',
    error_file: 'logs/pm2-error.log',
    time: true,
    env: { NODE_ENV: 'production' },
  },
];
