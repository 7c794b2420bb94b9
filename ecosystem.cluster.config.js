// Two bots on ONE account, coordinated through Redis (README: "Several bots on one account"):
//   redis-server --port 6379 --save '' &          (or your distribution's redis service)
//   npm run build && npx pm2 start ecosystem.cluster.config.js
// Both bots share the account's quota, each symbol is traded by whichever holds its lease, and when
// one dies the other adopts its positions within LEASE_TTL + a few seconds. In paper mode a shared
// simulator runs as a third app (the two bots must trade the same account); with TRADING_MODE=live
// in .env it is left out and both bots use the KUCOIN_* credentials from .env.
// The base file (ecosystem.config.js) holds the pm2 settings both bots use; only what must differ
// per process is set here: its journal (DATA_DIR), logs and status port.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { apps as single } from './ecosystem.config.js';

const root = import.meta.dirname;
const dotenvFile = path.join(root, '.env');
const settings = { ...(existsSync(dotenvFile) ? dotenv.parse(readFileSync(dotenvFile)) : {}), ...process.env };
const setting = (name, fallback) => {
  const value = (settings[name] ?? '').trim();
  return value === '' ? fallback : value;
};

const base = single[0];
const redisUrl = setting('REDIS_URL', 'redis://127.0.0.1:6379');
const live = setting('TRADING_MODE', 'paper') === 'live';
const simPort = setting('CLUSTER_SIM_PORT', '7390');
const simUrl = setting('SIM_URL', `http://127.0.0.1:${simPort}`);

const bot = (name, statusPort) => ({
  ...base,
  name,
  wait_ready: true,
  out_file: path.join(root, 'logs', name, 'pm2-out.log'),
  error_file: path.join(root, 'logs', name, 'pm2-error.log'),
  env: {
    ...base.env,
    REDIS_URL: redisUrl,
    // Each process keeps its own journal: positions it opened or adopted, its trades.
    DATA_DIR: path.join('data', name),
    LOG_DIR: path.join('logs', name),
    STATUS_PORT: String(statusPort),
    ...(live ? {} : { TRADING_MODE: 'paper', SIM_URL: simUrl }),
  },
});

const simulator = {
  name: 'kucoin-futures-sim',
  script: 'dist/src/simulator/cli.js',
  cwd: root,
  exec_mode: 'fork',
  instances: 1,
  autorestart: true,
  merge_logs: true,
  out_file: path.join(root, 'logs', 'sim', 'pm2-out.log'),
  error_file: path.join(root, 'logs', 'sim', 'pm2-error.log'),
  env: { SIM_PORT: simPort },
};

export const apps = [...(live ? [] : [simulator]), bot('bot-a', 8787), bot('bot-b', 8788)];
