// Faults the executor tests inject by hand: a venue call that got no answer, and a journal that
// refuses writes (SQLite query_only) while it stays readable.
import { ExchangeError } from '../../../src/exchange/exchange-error.js';
import type { Store } from '../../../src/store/index.js';

/** The error a call gets when the venue never answered: the order may or may not have gone through. */
export function noResponse(what: 'placeOrder' | 'orderByClientOid'): ExchangeError {
  return new ExchangeError({
    code: 'TIMEOUT',
    httpStatus: null,
    retryable: true,
    action: 'retry',
    message: `${what}: no response (the test)`,
    endpoint: what,
    resetMs: null,
  });
}

/** Makes the journal refuse writes (on) or accept them again (off). */
export function queryOnly(store: Store, on: boolean): void {
  (store as unknown as { db: { pragma(q: string): unknown } }).db.pragma(`query_only = ${on ? 'ON' : 'OFF'}`);
}
