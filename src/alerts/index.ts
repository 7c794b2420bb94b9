// The alerts area's public surface.
export * from './alert.js';
export * from './alert-cooldown.js';
export * from './alert-dispatcher.js';
export * from './alert-redaction.js';
export * from './health-alerts.js';
export * from './webhook-sender.js';
