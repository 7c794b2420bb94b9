// The SharedArrayBuffer layout of the shared rate limiter: every slot is named here and the buffer
// size is derived from the field counts and the number of pools, so adding a field cannot silently
// overlap another. Pools are numbered by their position in the limiter's `pools` list.
//
//   [ Float64 params: PARAM_FIELDS per pool ][ BigUint64 state: STATE_FIELDS per pool ][ Int32: INT_FIELDS per pool ]
//
// Params are written once by the creator before the buffer is posted to any worker (postMessage
// orders those plain writes before the receiver's reads), so they need no Atomics. Everything after
// them is only touched with Atomics.
/** Float64 slots per pool (read-only after creation). Token amounts are in milli-tokens. */
export const Param = {
  capacityMilli: 0,
  refillMilliPerMs: 1,
  reserveMilli: 2,
  /** Epoch-ms origin of the packed 40-bit timestamps (same value in every pool). */
  originMs: 3,
} as const;
export const PARAM_FIELDS = Object.keys(Param).length;

/** BigUint64 slots per pool. */
export const State = {
  /** Tokens and their timestamp packed in one word, so one compareExchange updates both. */
  bucket: 0,
} as const;
export const STATE_FIELDS = Object.keys(State).length;

/** Int32 slots per pool. */
export const Counter = {
  /** Bumped (and notified) whenever waiters should recompute: header corrections, 429s. */
  wake: 0,
  /** Admissions so far (wraps; for metrics only). */
  admitted: 1,
  /** 429 responses reported so far. */
  rateLimitedHits: 2,
  /** The latest gw-ratelimit view (remaining tokens; reset as ms since `originMs`), for the cluster layer. */
  serverRemaining: 3,
  serverResetAt: 4,
  /** Bumped after each server view is stored, so a reader knows a new one arrived. */
  serverSeq: 5,
  /** Critical admissions so far, and critical callers waiting now: the cluster layer's cue to
   *  take from the account-wide reserve. */
  criticalAdmitted: 6,
  criticalWaiting: 7,
} as const;
export const INT_FIELDS = Object.keys(Counter).length;

/** Byte offsets of the three regions, and the buffer size, for `poolCount` pools. */
export interface LimiterLayout {
  readonly paramsByteOffset: number;
  readonly stateByteOffset: number;
  readonly intByteOffset: number;
  readonly bufferBytes: number;
}

export function limiterLayout(poolCount: number): LimiterLayout {
  const paramsByteOffset = 0;
  const stateByteOffset = paramsByteOffset + PARAM_FIELDS * poolCount * Float64Array.BYTES_PER_ELEMENT;
  const intByteOffset = stateByteOffset + STATE_FIELDS * poolCount * BigUint64Array.BYTES_PER_ELEMENT;
  const bufferBytes = intByteOffset + INT_FIELDS * poolCount * Int32Array.BYTES_PER_ELEMENT;
  return { paramsByteOffset, stateByteOffset, intByteOffset, bufferBytes };
}

export function paramIndex(pool: number, field: number): number {
  return pool * PARAM_FIELDS + field;
}
export function stateIndex(pool: number, field: number): number {
  return pool * STATE_FIELDS + field;
}
export function counterIndex(pool: number, field: number): number {
  return pool * INT_FIELDS + field;
}

// ---- packed bucket word -------------------------------------------------------------------------
// High 24 bits: milli-tokens + TOKEN_BIAS (tokens may go negative after a header correction: a debt
// that refill must repay before the next admission). Low 40 bits: ms since `originMs` (~34 years).

const TIME_BITS = 40n;
const TIME_MASK = (1n << TIME_BITS) - 1n;
const TOKEN_BITS = 24n;
const TOKEN_BIAS = 1 << 23;
/** Largest magnitude of milli-tokens a packed word can carry. */
export const MAX_MILLI_TOKENS = TOKEN_BIAS - 1;
const MAX_TIME_MS = Number(TIME_MASK);

export interface PackedBucket {
  /** Whole milli-tokens, possibly negative. */
  readonly tokensMilli: number;
  /** ms since the layout's origin. */
  readonly atMs: number;
}

export function packBucket(b: PackedBucket): bigint {
  const tokens = Math.max(-MAX_MILLI_TOKENS, Math.min(MAX_MILLI_TOKENS, Math.floor(b.tokensMilli)));
  const at = Math.max(0, Math.min(MAX_TIME_MS, Math.floor(b.atMs)));
  return (BigInt(tokens + TOKEN_BIAS) << TIME_BITS) | BigInt(at);
}

export function unpackBucket(word: bigint): PackedBucket {
  const tokenField = Number((word >> TIME_BITS) & ((1n << TOKEN_BITS) - 1n));
  return { tokensMilli: tokenField - TOKEN_BIAS, atMs: Number(word & TIME_MASK) };
}
