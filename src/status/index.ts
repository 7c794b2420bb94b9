// The status area's public surface: the server, what it reads, and the metrics hook.
export * from './health-monitor-source.js';
export { parseHostList } from './host-allow-list.js';
export * from './metrics-recorder.js';
export * from './status-event.js';
export * from './status-metrics.js';
export * from './status-server.js';
export * from './status-source.js';
