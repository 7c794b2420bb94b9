// Workers report monotonic counters since THEIR start (scans, scanErrors, ...); the monitor wants
// increments. This turns each cumulative reading into the increase since the previous one, and
// treats a new worker generation (a respawn) or a counter that went down as a fresh start, so a
// restart neither loses the new worker's first counts nor subtracts the old worker's.

interface Last {
  generation: number;
  value: number;
}

export class CounterDeltas {
  private readonly last = new Map<string, Last>();

  /** The increase of `source`'s counter `name` since its previous reading (0 for a non-finite reading). */
  delta(source: string, generation: number, name: string, cumulative: number): number {
    if (!Number.isFinite(cumulative) || cumulative < 0) return 0;
    const key = `${source}\u0000${name}`;
    const prev = this.last.get(key);
    if (prev === undefined) {
      this.last.set(key, { generation, value: cumulative });
      return cumulative;
    }
    const restarted = prev.generation !== generation || cumulative < prev.value;
    const d = restarted ? cumulative : cumulative - prev.value;
    prev.generation = generation;
    prev.value = cumulative;
    return d;
  }

  /** Forgets a source (e.g. a worker removed for good). */
  forget(source: string): void {
    const prefix = `${source}\u0000`;
    for (const key of this.last.keys()) if (key.startsWith(prefix)) this.last.delete(key);
  }
}
