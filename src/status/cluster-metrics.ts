// /metrics for the report's `cluster` section (REDIS_URL only): absent without it, so a single
// process's scrape does not change.
import { Gauge, type Registry } from 'prom-client';
import type { ClusterHealthReport } from '../health/health-report.js';

export class ClusterMetrics {
  private readonly redis: Gauge<'process_id'>;
  private readonly peers: Gauge<'process_id'>;
  private readonly owned: Gauge<'process_id'>;
  private readonly share: Gauge<'process_id'>;
  private readonly ownedSymbol: Gauge<'process_id' | 'symbol'>;

  constructor(name: (n: string) => string, registers: Registry[]) {
    const g = <L extends string>(n: string, help: string, labelNames: L[]): Gauge<L> =>
      new Gauge({ name: name(n), help, labelNames, registers });
    this.redis = g('cluster_redis_connected', 'REDIS_URL: 1 while Redis answers, 0 while it is down', ['process_id']);
    this.peers = g('cluster_peers', 'Processes seen trading this account, this one included', ['process_id']);
    this.owned = g('cluster_owned_symbols', 'Symbols whose lease this process holds', ['process_id']);
    this.share = g(
      'cluster_quota_share',
      'Share of each quota pool this process may use (1, or 1/N while Redis is down)',
      ['process_id'],
    );
    this.ownedSymbol = g('cluster_owned_symbol', '1 for each symbol whose lease this process holds', [
      'process_id',
      'symbol',
    ]);
  }

  sync(cluster: ClusterHealthReport | undefined): void {
    for (const gauge of [this.redis, this.peers, this.owned, this.share]) gauge.reset();
    this.ownedSymbol.reset();
    if (!cluster) return;
    const labels = { process_id: cluster.process_id };
    this.redis.set(labels, cluster.redis === 'connected' ? 1 : 0);
    this.peers.set(labels, cluster.peers);
    this.owned.set(labels, cluster.owned_symbols.length);
    this.share.set(labels, cluster.quota_share);
    for (const symbol of cluster.owned_symbols) this.ownedSymbol.set({ ...labels, symbol }, 1);
  }
}
