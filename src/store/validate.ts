// Input checks shared by every store. Each returns the value in the exact form SQL binds (numbers,
// strings, 0/1, null), or throws a StoreInputError naming the field.
import { StoreInputError } from './errors/store-input-error.js';

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  return String(value);
}

export function finite(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new StoreInputError(field, `must be a finite number, got ${describe(value)}`);
  }
  return value;
}

export function positive(field: string, value: unknown): number {
  const n = finite(field, value);
  if (!(n > 0)) throw new StoreInputError(field, `must be greater than 0, got ${n}`);
  return n;
}

export function nonNegative(field: string, value: unknown): number {
  const n = finite(field, value);
  if (n < 0) throw new StoreInputError(field, `must not be negative, got ${n}`);
  return n;
}

/** `undefined` and `null` both mean "no value" and bind as SQL NULL. */
export function optionalPositive(field: string, value: unknown): number | null {
  return value === undefined || value === null ? null : positive(field, value);
}

/** Milliseconds since the epoch: STRICT INTEGER columns refuse fractions, so check here first. */
export function timestamp(field: string, value: unknown): number {
  const n = finite(field, value);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new StoreInputError(field, `must be a non-negative integer of milliseconds, got ${n}`);
  }
  return n;
}

export function nonNegativeInteger(field: string, value: unknown): number {
  const n = finite(field, value);
  if (!Number.isSafeInteger(n) || n < 0) throw new StoreInputError(field, `must be a non-negative integer, got ${n}`);
  return n;
}

export function positiveInteger(field: string, value: unknown): number {
  const n = finite(field, value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new StoreInputError(field, `must be a positive integer, got ${n}`);
  return n;
}

export function text(field: string, value: unknown, maxLength = 1000): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new StoreInputError(field, `must be a non-empty string, got ${describe(value)}`);
  }
  if (value.length > maxLength) throw new StoreInputError(field, `must be at most ${maxLength} characters`);
  return value;
}

export function optionalText(field: string, value: unknown, maxLength = 1000): string | null {
  return value === undefined || value === null ? null : text(field, value, maxLength);
}

export function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new StoreInputError(field, `must be one of ${allowed.join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

export function optionalOneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T | null {
  return value === undefined || value === null ? null : oneOf(field, value, allowed);
}

export function flag(field: string, value: unknown): 0 | 1 {
  if (value === undefined) return 0;
  if (typeof value !== 'boolean') throw new StoreInputError(field, `must be a boolean, got ${describe(value)}`);
  return value ? 1 : 0;
}

// KuCoin accepts up to 40 characters of letters, digits, '_' and '-' in a clientOid.
const CLIENT_OID = /^[A-Za-z0-9_-]{1,40}$/;

export function clientOid(field: string, value: unknown): string {
  if (typeof value !== 'string' || !CLIENT_OID.test(value)) {
    throw new StoreInputError(field, `must be 1-40 characters of [A-Za-z0-9_-], got ${describe(value)}`);
  }
  return value;
}

export function optionalClientOid(field: string, value: unknown): string | null {
  return value === undefined || value === null ? null : clientOid(field, value);
}

const UTC_DAY = /^\d{4}-\d{2}-\d{2}$/;

export function utcDayString(field: string, value: unknown): string {
  if (typeof value !== 'string' || !UTC_DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new StoreInputError(field, `must be a UTC day as YYYY-MM-DD, got ${describe(value)}`);
  }
  return value;
}

/** Reads the injected clock and refuses a clock that yields something a timestamp column can't hold. */
export function clockNow(clock: { now(): number }): number {
  return timestamp('clock.now()', clock.now());
}
