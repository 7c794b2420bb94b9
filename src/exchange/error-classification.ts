// The exchange layer's single door to the toolkit's classifier: ExchangeError's action and
// retryable flag come from here, so the client and the retry policy can never disagree.
export { classify as classifyFailure, type Classification } from '../resilience/error-classifier.js';
