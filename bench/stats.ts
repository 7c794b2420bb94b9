// Timing and summary helpers shared by the benchmarks: a monotonic nanosecond clock, median and
// spread, and a repeat-with-warm-up driver that prints progress.
import type { Measured, Summary } from './bench-result.js';

export function nowNs(): bigint {
  return process.hrtime.bigint();
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('summarize: no values');
  for (const v of values) if (!Number.isFinite(v)) throw new Error(`summarize: non-finite value ${v}`);
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: percentile(sorted, 0.5),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    p25: percentile(sorted, 0.25),
    p75: percentile(sorted, 0.75),
    n: sorted.length,
  };
}

export function measured(label: string, unit: string, values: readonly number[]): Measured {
  return { label, unit, summary: summarize(values) };
}

/** Compact "median (min–max, n=…)" text for progress lines and tables. */
export function fmtSummary(s: Summary, unit: string): string {
  return `${fmt(s.median)} ${unit} (${fmt(s.min)}–${fmt(s.max)}, n=${s.n})`;
}

/** Three significant digits, no exponent for everyday magnitudes. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e4) return String(v);
  if (a >= 1e6) return `${(v / 1e6).toFixed(a >= 1e8 ? 0 : a >= 1e7 ? 1 : 2)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(a >= 1e5 ? 0 : 1)}k`;
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

export interface RepeatOptions {
  readonly warmups: number;
  readonly reps: number;
  /** Printed with each repetition's value. */
  readonly label: string;
  readonly unit: string;
  readonly log: (message: string) => void;
}

/** Runs `once` warm-up times (discarded) then `reps` times; returns the kept values. */
export async function repeat(options: RepeatOptions, once: () => number | Promise<number>): Promise<number[]> {
  for (let i = 0; i < options.warmups; i++) await once();
  const values: number[] = [];
  for (let i = 0; i < options.reps; i++) {
    const v = await once();
    values.push(v);
  }
  options.log(`${options.label}: ${fmtSummary(summarize(values), options.unit)}`);
  return values;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function envNumber(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${key}=${JSON.stringify(raw)}: expected a positive number`);
  return n;
}
