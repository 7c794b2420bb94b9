// Value formats for the configuration schema, in the shape convict takes (`convict.addFormat`): each
// coerces an env string and validates the result, and says in words what it allows, so a start-up
// error can tell the user exactly what to write instead. These are the only per-setting checks.

export interface ValueFormat<T> {
  /** What the format allows, as shown in error messages and `.env.example`. */
  readonly allowed: string;
  /** Turns an env string into a typed value; leaves it untouched when it cannot (validate rejects it). */
  coerce(raw: string): T | string;
  /** Throws `must be <allowed>` unless the (coerced) value is acceptable; convict's validate() calls it. */
  validate(value: unknown): asserts value is T;
}

/** The format's check: convict collects what this throws, one line per bad setting. */
function checked<T>(allowed: string, coerce: (raw: string) => T | string, ok: (v: unknown) => boolean): ValueFormat<T> {
  return {
    allowed,
    coerce,
    validate(value: unknown): asserts value is T {
      if (!ok(value)) throw new Error(`must be ${allowed}`);
    },
  };
}

function numeric(raw: string): number | string {
  const trimmed = raw.trim();
  if (trimmed === '') return raw;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : raw;
}

export function numberIn(
  min: number,
  max: number,
  opts: { integer?: boolean; minExclusive?: boolean } = {},
): ValueFormat<number> {
  const lower = opts.minExclusive ? `> ${min}` : `>= ${min}`;
  const kind = opts.integer ? 'an integer' : 'a number';
  return checked(
    `${kind} ${lower} and <= ${max}`,
    numeric,
    (v) =>
      typeof v === 'number' &&
      Number.isFinite(v) &&
      (opts.minExclusive ? v > min : v >= min) &&
      v <= max &&
      (!opts.integer || Number.isInteger(v)),
  );
}

export function numberOneOf(values: readonly number[]): ValueFormat<number> {
  return checked(`one of ${values.join(', ')}`, numeric, (v) => typeof v === 'number' && values.includes(v));
}

export function oneOf<T extends string>(...values: readonly T[]): ValueFormat<T> {
  return checked<T>(
    `one of ${values.join(' | ')}`,
    (raw) => raw.trim(),
    (v) => typeof v === 'string' && (values as readonly string[]).includes(v),
  );
}

export function text(opts: { pattern?: RegExp; allowed?: string } = {}): ValueFormat<string> {
  return checked(
    opts.allowed ?? 'any text',
    (raw) => raw,
    (v) => typeof v === 'string' && (!opts.pattern || opts.pattern.test(v)),
  );
}

/** Empty (off) or an http(s) URL. */
export const optionalUrl: ValueFormat<string> = checked(
  'empty, or an http:// or https:// URL',
  (raw) => raw.trim(),
  (v) => {
    if (typeof v !== 'string') return false;
    if (v === '') return true;
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  },
);

/** A format whose acceptance is decided by a parser that throws a descriptive error. */
export function parsedBy(allowed: string, parse: (raw: string) => unknown): ValueFormat<string> {
  return checked(
    allowed,
    (raw) => raw.trim(),
    (v) => {
      if (typeof v !== 'string') return false;
      try {
        parse(v);
        return true;
      } catch {
        return false;
      }
    },
  );
}
