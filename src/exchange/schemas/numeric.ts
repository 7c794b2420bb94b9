// KuCoin sends many numbers as strings ("67158.4") and some as JSON numbers; both become a finite
// number here, and anything else ("", "abc", "NaN", Infinity) fails validation instead of becoming NaN.
import { z } from 'zod';

const NUMERIC_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function toFinite(value: number | string, ctx: z.RefinementCtx): number {
  const n = typeof value === 'number' ? value : NUMERIC_TEXT.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: `expected a finite number, got ${JSON.stringify(String(value))}` });
    return z.NEVER;
  }
  return n;
}

/** A required finite number, given as a JSON number or a numeric string. */
export const finite = () => z.union([z.number(), z.string()]).transform(toFinite);

/** A finite number that KuCoin may send as null or omit (e.g. stopPrice on a plain order). */
export const optionalFinite = () =>
  z
    .union([z.number(), z.string(), z.null()])
    .optional()
    .transform((v, ctx) => (v === null || v === undefined || v === '' ? null : toFinite(v, ctx)));

/** A string field that may be null or missing. */
export const optionalString = () =>
  z
    .union([z.string(), z.null()])
    .optional()
    .transform((v) => (v === null || v === undefined ? null : v));

/** KuCoin ids travel as strings; tolerate numeric ids from older endpoints. */
export const idString = () => z.union([z.string().min(1), z.number()]).transform((v) => String(v));
