import { expect } from 'chai';
import { HealthMonitor } from '../../src/health/health-monitor.js';
import type { ClusterHealthReport } from '../../src/health/health-report.js';
import { StatusMetrics } from '../../src/status/status-metrics.js';

describe('cluster visibility: /health `cluster` and /metrics', () => {
  const cluster: ClusterHealthReport = {
    redis: 'down',
    process_id: 'host-42',
    peers: 3,
    owned_symbols: ['ETHUSDTM', 'XBTUSDTM'],
    quota_share: 0.333,
  };

  it('adds `cluster` to the report only when a cluster source is set (REDIS_URL)', () => {
    const monitor = new HealthMonitor({ threads: ['scanner'] });
    expect(monitor.getReport()).to.not.have.property('cluster');
    monitor.setClusterSource(() => cluster);
    expect(monitor.getReport().cluster).to.deep.equal(cluster);
    monitor.setClusterSource(null);
    expect(monitor.getReport()).to.not.have.property('cluster');
  });

  it('exports the same figures as gauges, and none without a cluster', async () => {
    const monitor = new HealthMonitor({ threads: ['scanner'] });
    const metrics = new StatusMetrics({ defaultMetrics: false });
    expect(await metrics.render(monitor.getReport())).to.not.match(/cluster_peers\{/);
    monitor.setClusterSource(() => cluster);
    const text = await metrics.render(monitor.getReport());
    expect(text).to.match(/cluster_redis_connected\{process_id="host-42"\} 0/);
    expect(text).to.match(/cluster_peers\{process_id="host-42"\} 3/);
    expect(text).to.match(/cluster_owned_symbols\{process_id="host-42"\} 2/);
    expect(text).to.match(/cluster_quota_share\{process_id="host-42"\} 0.333/);
    expect(text).to.match(/cluster_owned_symbol\{process_id="host-42",symbol="XBTUSDTM"\} 1/);
  });
});
