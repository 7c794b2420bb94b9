/** One bad setting: its env name, the value given (redacted when sensitive) and what is allowed. */
export interface ConfigProblem {
  readonly env: string;
  readonly value: string;
  readonly allowed: string;
}

/** Start-up refusal listing every bad key at once, so the user fixes them in one pass. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly problems: readonly ConfigProblem[],
    readonly notes: readonly string[] = [],
  ) {
    super(
      [
        `invalid configuration (${problems.length + notes.length} problem${problems.length + notes.length === 1 ? '' : 's'}):`,
        ...problems.map((p) => `  - ${p.env}=${p.value}: must be ${p.allowed}`),
        ...notes.map((n) => `  - ${n}`),
      ].join('\n'),
    );
    this.name = 'ConfigError';
  }
}
