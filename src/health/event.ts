// Events as a private emitter plus a public `onX(listener)` that returns a disposable, so
// subscribers (status server, alerts) never reach into the monitor's internals.

export interface Disposable {
  dispose(): void;
}

export type Listener<T> = (value: T) => void;

/** Subscribes a listener; call `dispose()` on the result to unsubscribe. */
export type Event<T> = (listener: Listener<T>) => Disposable;

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];

  /**
   * @param onListenerError where a throwing listener's error goes; one bad subscriber must not stop
   *   the others or the monitor's evaluation tick.
   */
  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  readonly event: Event<T> = (listener) => {
    // Copy on write: emit() iterates a snapshot, so (un)subscribing from inside a listener is safe.
    this.listeners = [...this.listeners, listener];
    let disposed = false;
    return {
      dispose: () => {
        if (disposed) return;
        disposed = true;
        this.listeners = this.listeners.filter((l) => l !== listener);
      },
    };
  };

  get size(): number {
    return this.listeners.length;
  }

  emit(value: T): void {
    for (const listener of this.listeners) {
      try {
        listener(value);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}
