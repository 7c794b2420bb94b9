// A minimal typed event: a private emitter inside the owner, a public `onX(listener)` outside that
// returns a disposable, so subscribers (the health monitor) never reach into internals.

export interface Disposable {
  dispose(): void;
}

export type Listener<T> = (value: T) => void;

export class EventEmitter<T> {
  private readonly listeners = new Set<Listener<T>>();

  /** Subscribes; dispose() unsubscribes (idempotent). Bind as `onX = emitter.subscribe`. */
  readonly subscribe = (listener: Listener<T>): Disposable => {
    // Wrap so the same function subscribed twice gets two independent subscriptions.
    const entry: Listener<T> = (v) => listener(v);
    this.listeners.add(entry);
    return { dispose: () => void this.listeners.delete(entry) };
  };

  get size(): number {
    return this.listeners.size;
  }

  /**
   * Calls every listener. A throwing listener must not corrupt the emitter's owner (a breaker
   * halfway through a transition), so its error becomes a process warning instead.
   */
  emit(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        process.emitWarning(
          `event listener threw: ${error instanceof Error ? error.message : String(error)}`,
          'ListenerError',
        );
      }
    }
  }
}
