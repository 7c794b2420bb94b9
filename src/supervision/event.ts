// Events as a private emitter plus a public `onX(listener)` returning a disposable, so subscribers
// (the health monitor, alerts, tests) never reach into the supervisor's internals.
export interface Disposable {
  dispose(): void;
}

export type Listener<T> = (value: T) => void;

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];

  /** Subscribe; call `dispose()` on the result to unsubscribe. */
  readonly on = (listener: Listener<T>): Disposable => {
    this.listeners = [...this.listeners, listener];
    return {
      dispose: () => {
        this.listeners = this.listeners.filter((l) => l !== listener);
      },
    };
  };

  /** Notifies every listener; one throwing listener does not stop the others or the emitter. */
  emit(value: T): void {
    for (const listener of this.listeners) {
      try {
        listener(value);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  get size(): number {
    return this.listeners.length;
  }
}
