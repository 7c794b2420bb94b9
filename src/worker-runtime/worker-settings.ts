// Typed reads of the loop settings a worker got in `init` (plain data from the supervisor's config).
import type { WorkerRuntimeConfig } from '../protocol/messages.js';

type Settings = WorkerRuntimeConfig['settings'];

export function numberSetting(settings: Settings, key: string, fallback: number): number {
  const v = settings[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`worker setting ${key} must be a finite number, got ${String(v)}`);
  return v;
}

export function stringSetting(settings: Settings, key: string, fallback: string): string {
  const v = settings[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'string') throw new TypeError(`worker setting ${key} must be a string, got ${String(v)}`);
  return v;
}
