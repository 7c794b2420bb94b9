// One import for every response schema and parsed domain type.
export * from './numeric.js';
export * from './parse.js';
export * from './market.js';
export * from './account.js';
export * from './position.js';
export * from './order.js';
export * from './bullet.js';
export * from './stream.js';
export * from './api-key.js';
