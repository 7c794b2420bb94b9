// The plain-data shape every benchmark returns: run.ts prints it, report.ts writes it to
// BENCHMARKS.md and bench/results.json. Every figure carries its baseline from the same run.

/** Median and spread of repeated measurements. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** 25th and 75th percentiles (linear interpolation). */
  readonly p25: number;
  readonly p75: number;
  readonly n: number;
}

export interface Measured {
  /** What was measured, e.g. "empty function call". */
  readonly label: string;
  readonly unit: string;
  readonly summary: Summary;
}

export interface Target {
  /** Human wording, e.g. "≤ 100 ns/op". */
  readonly text: string;
  /** null: the figure could not be judged (not measured). */
  readonly met: boolean | null;
  /** The value the target was judged on, in words (e.g. "3.18 intervals (637 ms, worst)"). */
  readonly actual?: string;
}

export interface Figure {
  /** Short name, e.g. "recordApiCall" or "8 threads". */
  readonly name: string;
  /** null when not measured yet. */
  readonly result: Measured | null;
  readonly baseline: Measured | null;
  /** result ÷ baseline or baseline ÷ result; `ratioMeaning` says which. */
  readonly ratio: number | null;
  readonly ratioMeaning: string;
  readonly targets: readonly Target[];
  readonly note?: string;
}

export interface BenchResult {
  readonly id: string;
  readonly title: string;
  /** How it was measured: repetitions, warm-ups, sizes, what the baseline is. */
  readonly method: string;
  readonly status: 'measured' | 'partial' | 'not measured';
  /** Why (some of) it is not measured yet. */
  readonly notMeasured?: string;
  readonly figures: readonly Figure[];
  /** Extra facts worth keeping (counts, checks), plain JSON. */
  readonly details?: Record<string, unknown>;
  readonly wallMs: number;
  /** ISO time the benchmark ran (results of partial runs are merged, so each keeps its own). */
  readonly ranAt: string;
  readonly quick: boolean;
}

export interface BenchContext {
  readonly quick: boolean;
  /** Progress line on the console. */
  readonly log: (message: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

export interface Benchmark {
  readonly id: string;
  /** Words accepted on the command line to select it (`npm run bench -- health limiter`). */
  readonly aliases: readonly string[];
  readonly title: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}
