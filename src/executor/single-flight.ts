// One operation per key at a time. `run` collapses concurrent callers onto the promise already in
// flight for the key (three exit requests for one position become one close); `serial` queues them
// instead (a stop move waits for the previous one), so the two never interleave for a position.
export class SingleFlight<K, V> {
  private readonly inFlight = new Map<K, Promise<V>>();

  /** The promise in flight for `key`, or a new one from `fn`; it is forgotten once settled. */
  run(key: K, fn: () => Promise<V>): Promise<V> {
    const existing = this.inFlight.get(key);
    if (existing !== undefined) return existing;
    const promise = Promise.resolve()
      .then(fn)
      .finally(() => {
        if (this.inFlight.get(key) === promise) this.inFlight.delete(key);
      });
    this.inFlight.set(key, promise);
    return promise;
  }

  has(key: K): boolean {
    return this.inFlight.has(key);
  }

  get size(): number {
    return this.inFlight.size;
  }
}

export class KeyedSerial<K> {
  private readonly tails = new Map<K, Promise<unknown>>();

  /** Runs `fn` after everything queued before it on `key` has settled. */
  serial<T>(key: K, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}
