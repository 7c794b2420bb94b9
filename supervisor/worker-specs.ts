// The three long-lived workers and the settings each one's loop reads (plain data: it crosses to the
// thread in the `init` message). Each settings object is checked against that worker's schema in
// src/protocol/messages.ts here at compile time and again by the worker when it starts.
import type { AppConfig } from '../src/config/load-config.js';
import type { ExecutorSettings, PositionMonitorSettings, ScannerSettings } from '../src/protocol/messages.js';
import { parseStallInject } from '../config/stall-inject.js';
import { parsePerfInject } from '../config/perf-inject.js';
import type { WorkerSpec } from '../src/supervision/worker-spec.js';
import type { Venue } from './venue.js';
import type { ClusterSettings } from '../src/cluster/cluster-settings.js';

/** Retries of an idempotent call inside the scanner's and the position monitor's exchange clients. */
const CLIENT_RETRIES = 2;

const workerScript = (name: string): URL => new URL(`../workers/${name}.js`, import.meta.url);

/**
 * `journalFile`: the SQLite journal the executor writes (see journal-file.ts); `botId`: its clientOid
 * namespace; `cluster`: set with REDIS_URL, so the executor trades only symbols whose lease it holds.
 */
export function workerSpecs(
  config: AppConfig,
  venue: Venue,
  journalFile: string,
  botId: string,
  cluster?: ClusterSettings,
): WorkerSpec[] {
  const stall = parseStallInject(config.stallInject);
  // Busy-loop well past the stall timeout: the supervisor terminates the thread long before it ends.
  const perf = parsePerfInject(config.perfInject);
  const stallFor = (name: string): Pick<WorkerSpec, 'stallInject' | 'perfInject'> => {
    const p = perf.find((i) => i.worker === name);
    return {
      ...(stall?.worker === name
        ? {
            stallInject: { afterMs: stall.afterSeconds * 1000, busyMs: Math.max(60_000, config.stallTimeout * 10_000) },
          }
        : {}),
      ...(p
        ? {
            perfInject: {
              blockMs: p.blockMs,
              leakMb: p.leakMb,
              untilMs: p.forSeconds === null ? null : p.forSeconds * 1000,
            },
          }
        : {}),
    };
  };
  const exchange = (clientRetries: number) => ({ venue: venue.settings, clientRetries });
  return [
    {
      name: 'order-executor',
      script: workerScript('order-executor'),
      role: 'executor',
      settings: {
        // The executor re-sends orders itself (same clientOid, after asking the exchange first).
        ...exchange(0),
        journalFile,
        botId,
        foreignPositions: config.foreignPositions,
        maxOpenPositions: config.maxOpenPositions,
        leverage: config.leverage,
        riskPerTrade: config.riskPerTrade,
        maxNotional: config.maxNotional,
        dailyLossLimit: config.dailyLossLimit,
        positionUpdateInterval: config.positionUpdateInterval,
        cluster: cluster ?? null,
      } satisfies ExecutorSettings,
      ...stallFor('order-executor'),
    },
    {
      name: 'scanner',
      script: workerScript('scanner'),
      role: 'client',
      settings: {
        ...exchange(CLIENT_RETRIES),
        checkInterval: config.checkInterval,
        klineGranularity: config.klineGranularity,
        minTurnover: config.minTurnover,
        minConfidence: config.minConfidence,
        maxOpenPositions: config.maxOpenPositions,
      } satisfies ScannerSettings,
      ...stallFor('scanner'),
    },
    {
      name: 'position-monitor',
      script: workerScript('position-monitor'),
      role: 'client',
      settings: {
        ...exchange(CLIENT_RETRIES),
        positionUpdateInterval: config.positionUpdateInterval,
        liveLoopInterval: config.liveLoopInterval,
        trailingStopPercentage: config.trailingStopPercentage,
      } satisfies PositionMonitorSettings,
      ...stallFor('position-monitor'),
    },
  ];
}
