// The configuration rules that span keys. convict validates one value at a time with the schema's
// formats; these need several settings at once, so they are one function run after it.
import { CONFIG_SCHEMA, type AppConfig } from '../../config/schema.js';
import { webhookUrlProblem } from '../alerts/webhook-url.js';
import { isLoopbackHost } from '../net/loopback-host.js';
import { reconcileIntervalSeconds } from './derived-intervals.js';

/**
 * Rules that span keys, which no single convict format can express (a format sees one value); only
 * meaningful once each key is valid on its own.
 */
export function crossChecks(cfg: AppConfig, keysValid: boolean): string[] {
  const notes: string[] = [];
  if (cfg.tradingMode === 'live') {
    const missing = (['kucoinApiKey', 'kucoinApiSecret', 'kucoinApiPassphrase'] as const)
      .filter((k) => String(cfg[k]).trim() === '')
      .map((k) => CONFIG_SCHEMA[k].env);
    if (missing.length > 0) {
      notes.push(`TRADING_MODE=live needs KuCoin credentials: set ${missing.join(', ')} (or use TRADING_MODE=paper)`);
    }
  }
  if (cfg.chaosHook === '1' && cfg.tradingMode === 'live') {
    notes.push(
      'CHAOS_HOOK=1 stalls and kills worker threads on signals and is for paper-mode tests only: unset it (or set 0) with TRADING_MODE=live',
    );
  }
  if (cfg.perfInject.trim() !== '' && cfg.tradingMode === 'live') {
    notes.push(
      'PERF_INJECT slows or bloats worker threads on purpose and is for paper mode only: unset it with TRADING_MODE=live',
    );
  }
  if (!keysValid) return notes;
  if (cfg.statusToken === '' && !isLoopbackHost(cfg.statusHost)) {
    notes.push(
      `STATUS_HOST=${cfg.statusHost} lets other machines reach the status server, so STATUS_TOKEN must be set ` +
        '(or bind STATUS_HOST=127.0.0.1 and reach it through an SSH tunnel)',
    );
  }
  if (cfg.alertWebhookUrl !== '') {
    const problem = webhookUrlProblem(cfg.alertWebhookUrl, cfg.alertWebhookInsecure === '1');
    if (problem !== null) notes.push(problem);
  }
  if (cfg.startupTimeout <= cfg.heartbeatInterval) {
    notes.push(
      `STARTUP_TIMEOUT (${cfg.startupTimeout}) must be longer than HEARTBEAT_INTERVAL (${cfg.heartbeatInterval})`,
    );
  }
  if (cfg.stallTimeout <= cfg.heartbeatInterval) {
    notes.push(`STALL_TIMEOUT (${cfg.stallTimeout}) must be longer than HEARTBEAT_INTERVAL (${cfg.heartbeatInterval})`);
  }
  if (cfg.progressTimeout <= cfg.heartbeatInterval) {
    notes.push(
      `PROGRESS_TIMEOUT (${cfg.progressTimeout}) must be longer than HEARTBEAT_INTERVAL (${cfg.heartbeatInterval})`,
    );
  }
  // Each worker proves progress once per loop step: the scanner once per CHECK_INTERVAL, the
  // executor once per reconciliation. A shorter PROGRESS_TIMEOUT would restart them forever.
  if (cfg.progressTimeout <= cfg.checkInterval) {
    notes.push(
      `PROGRESS_TIMEOUT (${cfg.progressTimeout}) must be longer than CHECK_INTERVAL (${cfg.checkInterval}): the scanner shows progress once per scan`,
    );
  }
  const reconcile = reconcileIntervalSeconds(cfg.positionUpdateInterval);
  if (cfg.progressTimeout <= reconcile) {
    notes.push(
      `PROGRESS_TIMEOUT (${cfg.progressTimeout}) must be longer than the executor's reconciliation interval (${reconcile} s, from POSITION_UPDATE_INTERVAL)`,
    );
  }
  return notes;
}
