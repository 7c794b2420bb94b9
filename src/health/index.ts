// The health area's public surface.
export * from './counter-deltas.js';
export * from './describe-error.js';
export * from './equity-curve.js';
export * from './error-ring.js';
export * from './event.js';
export * from './health-monitor.js';
export * from './health-monitor-options.js';
export * from './health-report.js';
export * from './health-reporter.js';
export * from './health-verdict.js';
export * from './report-format.js';
export * from './sliding-window-counter.js';
export * from './thread-health.js';
