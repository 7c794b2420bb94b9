// The exchange layer's public surface.
export * from './kucoin-futures-client.js';
export * from './futures-stream.js';
export * from './exchange-error.js';
export * from './call-policy.js';
export * from './resilient-policy.js';
export type { ApiCredentials } from './credentials.js';
export * from './endpoints.js';
export * from './error-codes.js';
export * from './call-record.js';
export * from './schemas/index.js';
