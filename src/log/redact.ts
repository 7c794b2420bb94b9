// Deep redaction of configured secrets from anything about to be logged, including error objects
// (message, stack, cause) whose text winston would otherwise print verbatim.

export const REDACTION = '[REDACTED]';

export type Redactor = <T>(value: T) => T;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Builds a redactor for the given secrets; empty and very short values are ignored (they would match noise). */
export function createRedactor(secrets: readonly string[]): Redactor {
  const usable = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  if (usable.length === 0) return (v) => v;
  const pattern = new RegExp(usable.map(escapeRegExp).join('|'), 'g');
  const scrub = (s: string): string => s.replace(pattern, REDACTION);

  const walk = (value: unknown, seen: WeakMap<object, unknown>): unknown => {
    if (typeof value === 'string') return scrub(value);
    if (value === null || typeof value !== 'object') return value;
    const existing = seen.get(value);
    if (existing !== undefined) return existing;
    if (value instanceof Error) {
      // Rebuilt as plain data: an Error's message and stack are non-enumerable and would escape a key walk.
      const out: Record<string | symbol, unknown> = { name: value.name, message: scrub(value.message) };
      seen.set(value, out);
      if (value.stack !== undefined) out['stack'] = scrub(value.stack);
      if (value.cause !== undefined) out['cause'] = walk(value.cause, seen);
      for (const [k, v] of Object.entries(value)) out[k] = walk(v, seen);
      return out;
    }
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      seen.set(value, out);
      for (const item of value) out.push(walk(item, seen));
      return out;
    }
    const out: Record<string | symbol, unknown> = {};
    seen.set(value, out);
    for (const [k, v] of Object.entries(value)) out[k] = walk(v, seen);
    // winston keeps its level/message/splat under symbols: carry them through, scrubbed.
    for (const sym of Object.getOwnPropertySymbols(value))
      out[sym] = walk((value as Record<symbol, unknown>)[sym], seen);
    return out;
  };
  return <T>(value: T): T => walk(value, new WeakMap()) as T;
}
