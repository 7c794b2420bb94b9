// The cluster facts the supervisor hands the executor thread in its `init` settings (plain data):
// where Redis is, which account, which process, how long a lease lasts. Absent = one process.
import type { WorkerRuntimeConfig } from '../protocol/messages.js';
import { numberSetting, stringSetting } from '../worker-runtime/worker-settings.js';

export interface ClusterSettings {
  readonly redisUrl: string;
  readonly accountUid: string;
  readonly processId: string;
  readonly leaseTtlMs: number;
}

const KEYS = { redisUrl: 'redisUrl', accountUid: 'accountUid', processId: 'clusterProcessId', leaseTtlMs: 'leaseTtlMs' } as const;

export function clusterSettingsEntries(c: ClusterSettings | undefined): Record<string, string | number> {
  if (!c) return {};
  return { [KEYS.redisUrl]: c.redisUrl, [KEYS.accountUid]: c.accountUid, [KEYS.processId]: c.processId, [KEYS.leaseTtlMs]: c.leaseTtlMs };
}

export function readClusterSettings(settings: WorkerRuntimeConfig['settings']): ClusterSettings | undefined {
  const redisUrl = stringSetting(settings, KEYS.redisUrl, '');
  if (redisUrl === '') return undefined;
  return {
    redisUrl,
    accountUid: stringSetting(settings, KEYS.accountUid, ''),
    processId: stringSetting(settings, KEYS.processId, ''),
    leaseTtlMs: numberSetting(settings, KEYS.leaseTtlMs, 15_000),
  };
}
