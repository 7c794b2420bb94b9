// The one configuration schema: every setting the bot reads, its env name, default and allowed values.
// The only place a setting's default lives. The loader (src/config/load-config.ts) registers each
// format with convict, whose validate() does the checking; `.env.example` is rendered from this
// table and a test fails if the committed file ever disagrees. Imports run one way: src/config/
// reads config/, never the reverse.
import { numberIn, numberOneOf, oneOf, optionalUrl, parsedBy, text, type ValueFormat } from './config-formats.js';
import { KLINE_GRANULARITIES } from '../src/exchange/endpoints.js';
import { parseFaultSpec } from './fault-spec.js';
import { MARKET_PROFILES, type MarketProfile } from './market-profiles.js';
import { parseStallInject } from './stall-inject.js';
import { KEY_PERMISSIONS, parseKeyPermissions } from '../src/exchange/api-key-permissions.js';
import { parseRedisUrl } from './redis-url.js';
import { parsePerfInject } from './perf-inject.js';

export interface SettingSpec<T> {
  readonly env: string;
  readonly doc: string;
  readonly default: T;
  readonly format: ValueFormat<T>;
  /** Never printed: redacted in errors and logs. */
  readonly sensitive?: boolean;
  /** Heading under which `.env.example` lists the key. */
  readonly group: string;
}

const seconds = (max: number) => numberIn(0, max, { minExclusive: true });
const fraction = numberIn(0, 1, { minExclusive: true });

function s<T>(
  group: string,
  env: string,
  def: T,
  format: ValueFormat<T>,
  doc: string,
  sensitive = false,
): SettingSpec<T> {
  return { group, env, default: def, format, doc, sensitive };
}

export const CONFIG_SCHEMA = {
  tradingMode: s(
    'Mode and credentials',
    'TRADING_MODE',
    'paper' as 'paper' | 'live',
    oneOf('paper', 'live'),
    'paper trades against the embedded simulator; live needs the three KuCoin credentials',
  ),
  kucoinApiKey: s('Mode and credentials', 'KUCOIN_API_KEY', '', text(), 'KuCoin API key (live mode only)', true),
  kucoinApiSecret: s(
    'Mode and credentials',
    'KUCOIN_API_SECRET',
    '',
    text(),
    'KuCoin API secret (live mode only)',
    true,
  ),
  kucoinApiPassphrase: s(
    'Mode and credentials',
    'KUCOIN_API_PASSPHRASE',
    '',
    text(),
    'KuCoin API passphrase (live mode only)',
    true,
  ),
  kucoinApiKeyVersion: s(
    'Mode and credentials',
    'KUCOIN_API_KEY_VERSION',
    '2' as '1' | '2' | '3',
    oneOf('1', '2', '3'),
    'KuCoin API key version (2 and 3 send the passphrase HMAC-signed)',
  ),
  kucoinFuturesUrl: s(
    'Mode and credentials',
    'KUCOIN_FUTURES_URL',
    'https://api-futures.kucoin.com',
    optionalUrl,
    'KuCoin Futures REST base URL for live mode',
  ),
  allowWithdrawalKey: s(
    'Mode and credentials',
    'ALLOW_WITHDRAWAL_KEY',
    '0' as '0' | '1',
    oneOf('0', '1'),
    '1 lets live mode use an API key with the Transfer (withdrawal) permission; refused at start otherwise',
  ),

  checkInterval: s(
    'Loops and supervision (seconds)',
    'CHECK_INTERVAL',
    60,
    seconds(86_400),
    'seconds between market scans',
  ),
  positionUpdateInterval: s(
    'Loops and supervision (seconds)',
    'POSITION_UPDATE_INTERVAL',
    1.0,
    seconds(3600),
    'seconds between full REST refreshes of positions',
  ),
  liveLoopInterval: s(
    'Loops and supervision (seconds)',
    'LIVE_LOOP_INTERVAL',
    0.05,
    seconds(60),
    'seconds between stop/take-profit checks against streamed prices',
  ),
  heartbeatInterval: s(
    'Loops and supervision (seconds)',
    'HEARTBEAT_INTERVAL',
    1,
    seconds(60),
    'seconds between worker heartbeats',
  ),
  stallTimeout: s(
    'Loops and supervision (seconds)',
    'STALL_TIMEOUT',
    3,
    seconds(600),
    'a worker with no heartbeat for this long is stalled and restarted',
  ),
  startupTimeout: s(
    'Loops and supervision (seconds)',
    'STARTUP_TIMEOUT',
    30,
    seconds(3600),
    'a worker (first start or restart) is `starting`, not stalled, until its first heartbeat; with none by then it is restarted',
  ),
  progressTimeout: s(
    'Loops and supervision (seconds)',
    'PROGRESS_TIMEOUT',
    120,
    seconds(3600),
    'a worker whose main loop makes no progress for this long is stalled, even if it still heartbeats',
  ),
  maxRestarts: s(
    'Loops and supervision (seconds)',
    'MAX_RESTARTS',
    5,
    numberIn(0, 1000, { integer: true }),
    'restarts of one worker allowed within RESTART_WINDOW before the bot stops and exits non-zero',
  ),
  restartWindow: s(
    'Loops and supervision (seconds)',
    'RESTART_WINDOW',
    60,
    seconds(86_400),
    'seconds over which MAX_RESTARTS is counted',
  ),
  shutdownTimeout: s(
    'Loops and supervision (seconds)',
    'SHUTDOWN_TIMEOUT',
    10,
    seconds(600),
    'seconds workers get to finish their step on shutdown before they are terminated',
  ),
  healthReportInterval: s(
    'Loops and supervision (seconds)',
    'HEALTH_REPORT_INTERVAL',
    3600,
    seconds(86_400 * 7),
    'seconds between health reports in the log',
  ),
  stallInject: s(
    'Loops and supervision (seconds)',
    'STALL_INJECT',
    '',
    parsedBy(
      'empty (off), or <worker>:<seconds>, worker one of scanner | position-monitor | order-executor',
      parseStallInject,
    ),
    'fault hook for demos: make a worker busy-loop once, that many seconds after start',
  ),
  perfInject: s(
    'Loops and supervision (seconds)',
    'PERF_INJECT',
    '',
    parsedBy('empty (off), or <worker>:block=<ms>|leak=<mb>[:for=<seconds>], comma-separated', parsePerfInject),
    'paper-only load for demos and tests of the optimisation suggestions: busy-loop or retain heap before every step of a worker',
  ),
  suggestionWindow: s(
    'Loops and supervision (seconds)',
    'SUGGESTION_WINDOW',
    60,
    seconds(86_400),
    'seconds of runtime figures each optimisation rule judges; a suggestion clears after its condition is absent this long',
  ),
  chaosHook: s(
    'Loops and supervision (seconds)',
    'CHAOS_HOOK',
    '0' as '0' | '1',
    oneOf('0', '1'),
    'test-only: with 1 in paper mode, SIGUSR2 stalls and SIGUSR1 crashes the next worker in turn',
  ),

  maxOpenPositions: s(
    'Trading and risk',
    'MAX_OPEN_POSITIONS',
    3,
    numberIn(1, 1000, { integer: true }),
    'most positions open at once',
  ),
  leverage: s(
    'Trading and risk',
    'LEVERAGE',
    5,
    numberIn(1, 125),
    "leverage per position (capped by each contract's maxLeverage)",
  ),
  riskPerTrade: s(
    'Trading and risk',
    'RISK_PER_TRADE',
    0.01,
    numberIn(0, 0.1, { minExclusive: true }),
    'fraction of equity lost if a position hits its stop (0.01 = 1 %)',
  ),
  maxNotional: s(
    'Trading and risk',
    'MAX_NOTIONAL',
    5000,
    numberIn(0, 1e9, { minExclusive: true }),
    'largest position value in USDT',
  ),
  dailyLossLimit: s(
    'Trading and risk',
    'DAILY_LOSS_LIMIT',
    0.05,
    fraction,
    "fraction of start-of-day equity; once the day's loss exceeds it no new position opens",
  ),
  trailingStopPercentage: s(
    'Trading and risk',
    'TRAILING_STOP_PERCENTAGE',
    0.02,
    fraction,
    'trailing stop distance from the best price, as a fraction (0.02 = 2 %)',
  ),
  minConfidence: s(
    'Trading and risk',
    'MIN_CONFIDENCE',
    0.6,
    numberIn(0, 1),
    'signals below this confidence are ignored',
  ),
  minTurnover: s(
    'Trading and risk',
    'MIN_TURNOVER',
    1_000_000,
    numberIn(0, 1e15),
    'contracts with less 24 h turnover (USDT) are not scanned',
  ),
  klineGranularity: s(
    'Trading and risk',
    'KLINE_GRANULARITY',
    15,
    numberOneOf(KLINE_GRANULARITIES),
    'kline timeframe in minutes for the scanner (a KuCoin granularity)',
  ),

  botId: s(
    'Account sharing',
    'BOT_ID',
    '',
    text({ pattern: /^[A-Za-z0-9]{0,12}$/, allowed: 'empty, or 1-12 letters or digits' }),
    "this bot's namespace on the account: every clientOid it sends starts kb_<BOT_ID>_; empty = an id created once and kept in the journal",
  ),
  foreignPositions: s(
    'Account sharing',
    'FOREIGN_POSITIONS',
    'ignore' as 'ignore' | 'protect',
    oneOf('ignore', 'protect'),
    "positions the bot did not open: ignore (report only), or protect (add a reduce-only stop of the bot's own, nothing more)",
  ),

  statusHost: s(
    'Status, alerts and logs',
    'STATUS_HOST',
    '127.0.0.1',
    text({ pattern: /^\S+$/, allowed: 'a host name or IP address' }),
    'address the status server binds to',
  ),
  statusPort: s(
    'Status, alerts and logs',
    'STATUS_PORT',
    8787,
    numberIn(0, 65_535, { integer: true }),
    'status server port (0 = any free port)',
  ),
  statusToken: s(
    'Status, alerts and logs',
    'STATUS_TOKEN',
    '',
    text(),
    'bearer token for the status server (everything but /health liveness); required when STATUS_HOST is not loopback',
    true,
  ),
  statusAllowedHosts: s(
    'Status, alerts and logs',
    'STATUS_ALLOWED_HOSTS',
    '',
    text({ pattern: /^\s*([^\s,]+\s*(,\s*[^\s,]+\s*)*)?$/, allowed: 'empty, or comma-separated host names' }),
    'Host-header names the status server answers besides loopback and STATUS_HOST (others get 421)',
  ),
  alertWebhookUrl: s(
    'Status, alerts and logs',
    'ALERT_WEBHOOK_URL',
    '',
    optionalUrl,
    'optional webhook receiving alerts as JSON POSTs (user:password@ in it is sent as Basic auth; redirects are never followed)',
    true,
  ),
  alertWebhookInsecure: s(
    'Status, alerts and logs',
    'ALERT_WEBHOOK_INSECURE',
    '0' as '0' | '1',
    oneOf('0', '1'),
    '1 allows a plain http:// ALERT_WEBHOOK_URL to a non-loopback host (alerts then travel unencrypted)',
  ),
  alertCooldown: s(
    'Status, alerts and logs',
    'ALERT_COOLDOWN',
    300,
    seconds(86_400),
    'seconds before the same alert may repeat',
  ),
  logLevel: s(
    'Status, alerts and logs',
    'LOG_LEVEL',
    'info' as 'error' | 'warn' | 'info' | 'debug',
    oneOf('error', 'warn', 'info', 'debug'),
    'level of LOG_DIR/bot.log and of the console with CONSOLE_FORMAT=json; with the default pretty console, debug adds every log record to it',
  ),
  consoleFormat: s(
    'Status, alerts and logs',
    'CONSOLE_FORMAT',
    'pretty' as 'pretty' | 'json',
    oneOf('pretty', 'json'),
    'pretty: only lines for a person on the console (banner, trades, alerts, summary, reports; every log record at LOG_LEVEL=debug); json: every log record at LOG_LEVEL as a JSON line',
  ),
  consoleStopMoveShare: s(
    'Status, alerts and logs',
    'CONSOLE_STOP_MOVE_SHARE',
    0.5,
    fraction,
    "a trailing-stop move gets a console line when it covers this share of the stop's distance from the price (otherwise at most one a minute per position)",
  ),
  logDir: s(
    'Status, alerts and logs',
    'LOG_DIR',
    'logs',
    text({ pattern: /\S/, allowed: 'a directory path' }),
    'directory for JSON log files',
  ),
  dataDir: s(
    'Status, alerts and logs',
    'DATA_DIR',
    'data',
    text({ pattern: /\S/, allowed: 'a directory path' }),
    'directory for the SQLite store',
  ),

  simUrl: s(
    'Paper-trading simulator',
    'SIM_URL',
    '',
    optionalUrl,
    'empty: start the embedded simulator; or the URL of one already running (npm run sim), which outlives bot restarts',
  ),
  simPort: s(
    'Paper-trading simulator',
    'SIM_PORT',
    0,
    numberIn(0, 65_535, { integer: true }),
    'simulator port (0 = any free port)',
  ),
  simApiKey: s(
    'Paper-trading simulator',
    'SIM_API_KEY',
    'sim-key',
    text({ pattern: /\S/, allowed: 'non-empty text' }),
    'API key the simulator accepts',
  ),
  simApiSecret: s(
    'Paper-trading simulator',
    'SIM_API_SECRET',
    'sim-secret',
    text({ pattern: /\S/, allowed: 'non-empty text' }),
    'API secret the simulator accepts',
    true,
  ),
  simApiPassphrase: s(
    'Paper-trading simulator',
    'SIM_API_PASSPHRASE',
    'sim-passphrase',
    text({ pattern: /\S/, allowed: 'non-empty text' }),
    'API passphrase the simulator accepts',
    true,
  ),
  simKeyPermissions: s(
    'Paper-trading simulator',
    'SIM_KEY_PERMISSIONS',
    'General,Futures',
    parsedBy(`comma-separated KuCoin permissions (${KEY_PERMISSIONS.join(', ')})`, parseKeyPermissions),
    'permissions the simulator reports for its API key (GET /api/v1/user/api-key)',
  ),
  simKeyIpWhitelist: s(
    'Paper-trading simulator',
    'SIM_KEY_IP_WHITELIST',
    '',
    text({ pattern: /^[^\s]*$/, allowed: 'empty, or comma-separated IP addresses' }),
    'IP whitelist the simulator reports for its API key (empty = none)',
  ),
  simBalance: s(
    'Paper-trading simulator',
    'SIM_BALANCE',
    10_000,
    numberIn(0, 1e12, { minExclusive: true }),
    'starting USDT balance',
  ),
  simSeed: s(
    'Paper-trading simulator',
    'SIM_SEED',
    42,
    numberIn(0, 2 ** 31 - 1, { integer: true }),
    'market seed (same seed, same market)',
  ),
  simSpeed: s(
    'Paper-trading simulator',
    'SIM_SPEED',
    1,
    numberIn(0, 10_000, { minExclusive: true }),
    'simulated time runs this many times faster than real time',
  ),
  simProfile: s(
    'Paper-trading simulator',
    'SIM_PROFILE',
    'default' as MarketProfile,
    oneOf(...MARKET_PROFILES),
    'market character: default (trends and quiet spells), trending (long clean trends), flat (low volatility)',
  ),
  simFaults: s(
    'Paper-trading simulator',
    'SIM_FAULTS',
    '',
    parsedBy(
      'empty, or comma-separated fault=rate[:param] (latency, 5xx, 429, hang, malformed, wsdrop)',
      parseFaultSpec,
    ),
    'injected faults, e.g. latency=0.2:150,5xx=0.05',
  ),

  redisUrl: s(
    'Several processes on one account',
    'REDIS_URL',
    '',
    parsedBy('empty (one process, no Redis), or redis://[user:password@]host:port[/db]', (v) =>
      v === '' ? undefined : parseRedisUrl(v),
    ),
    "empty: this process trades alone. Set (the same Redis for every bot on the account): bots share the quota, own symbols by lease and take over each other's positions",
    true,
  ),
  leaseTtl: s(
    'Several processes on one account',
    'LEASE_TTL',
    15,
    numberIn(1, 600),
    "seconds a symbol lease lasts without renewal (REDIS_URL only); a dead owner's positions are adopted this long after it stops",
  ),
} as const;

export type ConfigSchema = typeof CONFIG_SCHEMA;
export type ConfigKey = keyof ConfigSchema;
export type AppConfig = { readonly [K in ConfigKey]: ConfigSchema[K]['default'] };

/** Every setting at its schema default: what the bot runs with when nothing is set. */
export const CONFIG_DEFAULTS: AppConfig = Object.freeze(
  Object.fromEntries(
    (Object.keys(CONFIG_SCHEMA) as ConfigKey[]).map((key) => [key, CONFIG_SCHEMA[key].default]),
  ) as AppConfig,
);
