import { expect } from 'chai';
import * as resilience from '../../src/resilience/index.js';

describe('resilience public API', () => {
  it('exports every runtime entry point', () => {
    for (const name of [
      'systemClock',
      'ExponentialBackoff',
      'retryWithBackoff',
      'withRetry',
      'CircuitBreaker',
      'CircuitOpenError',
      'isCircuitOpenError',
      'RateLimiter',
      'safeApiCall',
      'classify',
      'classifyError',
      'backoffFor',
      'AttemptTimeoutError',
      'withTimeout',
      'resilientCall',
      'take',
      'tokensAt',
      'waitMsFor',
    ]) {
      expect(resilience, name)
        .to.have.property(name)
        .that.is.a(name === 'systemClock' ? 'object' : 'function');
    }
  });
});
