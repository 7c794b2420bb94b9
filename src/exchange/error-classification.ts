// What KuCoin's return codes (and the client's own transport codes) mean, as the table the toolkit's
// generic classifier is built with. ExchangeError's action and retryable flag come from here, and
// so do the retry decisions of the executor and the client's policy, so they can never disagree.
import { type CodeTable, classification as c, createClassifier } from '../resilience/error-classifier.js';
import { KUCOIN_CODES as K } from './error-codes.js';
import { CLIENT_ERROR_CODES } from './exchange-error.js';

const KUCOIN_TABLE: CodeTable = new Map([
  [K.rateLimited, c('wait-reset', 'rate-limit', 'rate limited (429000)')],
  ...[
    K.authMissingHeader,
    K.authTimestampInvalid,
    K.authKeyNotExists,
    K.authPassphraseInvalid,
    K.authSignatureInvalid,
    K.authIpNotAllowed,
    K.authAccessDenied,
  ].map((code) => [code, c('fail', 'auth', `authentication failed (${code})`)] as const),
  [K.badParameter, c('fail', 'bad-request', 'bad parameter (400100)')],
  [K.orderParamError, c('fail', 'bad-request', 'order parameter error (300000)')],
  [K.balanceNotEnough, c('fail', 'balance', 'balance not enough (300003)')],
  [K.orderNotCancelable, c('fail', 'not-cancelable', 'order not cancelable (100004)')],
  [K.notFound, c('fail', 'not-found', 'not found (404000)')],
  [K.noPositionToClose, c('done', 'no-position', 'no position to close (300009): already flat')],
  [K.systemBusy, c('retry', 'busy', 'system busy (300002)')],
  [K.internal, c('retry', 'server', 'internal server error (500000)')],
  [K.success, c('done', 'success', 'success (200000)')],
  // The client's own transport failures.
  [CLIENT_ERROR_CODES.timeout, c('retry', 'timeout', 'request timed out')],
  [CLIENT_ERROR_CODES.network, c('retry', 'network', 'network failure')],
]);

export const { classify: classifyFailure, classifyError } = createClassifier(KUCOIN_TABLE);
