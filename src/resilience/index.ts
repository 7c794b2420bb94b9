// Public API of the resilience toolkit. Compose with resilientCall (see resilient-call.ts for the
// order); the pieces are exported for callers that need only one of them.
export { type Clock, systemClock, abortReason } from './clock.js';
export type { Disposable, Listener } from './event.js';
export {
  type BackoffOptions,
  type ResolvedBackoffOptions,
  DEFAULT_BACKOFF,
  backoffDelay,
  resolveBackoffOptions,
} from './backoff-options.js';
export { ExponentialBackoff, type ExponentialBackoffOptions } from './exponential-backoff.js';
export {
  retryWithBackoff,
  withRetry,
  createRetryRunner,
  type RetryOptions,
  type RetryRunner,
} from './retry-with-backoff.js';
export {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitBreakerSnapshot,
  type CircuitStateChange,
  type CircuitStateName,
  type ExecuteOptions,
} from './circuit-breaker.js';
export {
  CircuitOpenError,
  CIRCUIT_OPEN_CODE,
  type CircuitOpenErrorData,
  isCircuitOpenError,
  isCircuitOpenErrorData,
} from './circuit-open-error.js';
export { type CallPriority, type Limiter, type RateLimitSnapshot, OPEN_LIMITER } from './limiter.js';
export { RateLimiter, type RateLimiterOptions, type LimiterVerdict } from './rate-limiter.js';
export { type BucketParams, type BucketState, type TakeResult, take, tokensAt, waitMsFor } from './token-bucket.js';
export { safeApiCall, type SafeApiCallOptions } from './safe-api-call.js';
export { type ErrorFacts, extractErrorFacts } from './error-facts.js';
export {
  classify,
  classifyError,
  classification,
  createClassifier,
  type Classification,
  type Classifier,
  type CodeTable,
  type ErrorAction,
  type ErrorKind,
} from './error-classifier.js';
export { backoffFor } from './adaptive-backoff.js';
export {
  AttemptTimeoutError,
  ATTEMPT_TIMEOUT_CODE,
  type TimeoutErrorData,
  isAttemptTimeoutError,
  isTimeoutErrorData,
} from './timeout-error.js';
export { withTimeout } from './with-timeout.js';
export { resilientCall, type ResilientCallOptions, type ResilientRetryOptions } from './resilient-call.js';
