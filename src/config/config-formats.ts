// Value formats for the configuration schema. Each one says in words what it allows, so a start-up
// error can tell the user exactly what to write instead.

export interface ValueFormat<T> {
  /** What the format allows, as shown in error messages and `.env.example`. */
  readonly allowed: string;
  /** Turns an env string into a typed value; leaves it untouched when it cannot (validate reports it). */
  coerce(raw: string): T | string;
  /** True when the (coerced) value is acceptable. */
  accepts(value: unknown): value is T;
}

function numeric(raw: string): number | string {
  const trimmed = raw.trim();
  if (trimmed === '') return raw;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : raw;
}

export function numberIn(min: number, max: number, opts: { integer?: boolean; minExclusive?: boolean } = {}): ValueFormat<number> {
  const lower = opts.minExclusive ? `> ${min}` : `>= ${min}`;
  const kind = opts.integer ? 'an integer' : 'a number';
  return {
    allowed: `${kind} ${lower} and <= ${max}`,
    coerce: numeric,
    accepts: (v): v is number =>
      typeof v === 'number' &&
      Number.isFinite(v) &&
      (opts.minExclusive ? v > min : v >= min) &&
      v <= max &&
      (!opts.integer || Number.isInteger(v)),
  };
}

export function numberOneOf(values: readonly number[]): ValueFormat<number> {
  return {
    allowed: `one of ${values.join(', ')}`,
    coerce: numeric,
    accepts: (v): v is number => typeof v === 'number' && values.includes(v),
  };
}

export function oneOf<T extends string>(...values: readonly T[]): ValueFormat<T> {
  return {
    allowed: `one of ${values.join(' | ')}`,
    coerce: (raw) => raw.trim(),
    accepts: (v): v is T => typeof v === 'string' && (values as readonly string[]).includes(v),
  };
}

export function text(opts: { pattern?: RegExp; allowed?: string } = {}): ValueFormat<string> {
  return {
    allowed: opts.allowed ?? 'any text',
    coerce: (raw) => raw,
    accepts: (v): v is string => typeof v === 'string' && (!opts.pattern || opts.pattern.test(v)),
  };
}

/** Empty (off) or an http(s) URL. */
export const optionalUrl: ValueFormat<string> = {
  allowed: 'empty, or an http:// or https:// URL',
  coerce: (raw) => raw.trim(),
  accepts: (v): v is string => {
    if (typeof v !== 'string') return false;
    if (v === '') return true;
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  },
};

/** A format whose acceptance is decided by a parser that throws a descriptive error. */
export function parsedBy(allowed: string, parse: (raw: string) => unknown): ValueFormat<string> {
  return {
    allowed,
    coerce: (raw) => raw.trim(),
    accepts: (v): v is string => {
      if (typeof v !== 'string') return false;
      try {
        parse(v);
        return true;
      } catch {
        return false;
      }
    },
  };
}
