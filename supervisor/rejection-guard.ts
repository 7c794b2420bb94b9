// A promise rejection nobody handled must never take the supervisor down silently (Node's default
// is to crash with a stack trace, or, under some flags, to say nothing): log it with its stack and
// raise an alert, and keep running; the workers, the journal and the exits are all still fine.
export interface RejectionGuardDeps {
  readonly logger: { error(message: string, meta?: Record<string, unknown>): unknown };
  /** Reports it through the alert dispatcher and the health report; false when that is not running yet. */
  readonly report: (message: string) => boolean | undefined;
  /** The console fallback before observability runs. */
  readonly alert: (line: string) => void;
}

type ProcessEvents = Pick<NodeJS.Process, 'on' | 'off'>;

/** Installs the handler on `target` (the process); returns the uninstaller. */
export function installRejectionGuard(target: ProcessEvents, deps: RejectionGuardDeps): () => void {
  const onRejection = (reason: unknown): void => {
    const message = describeReason(reason);
    deps.logger.error('unhandled promise rejection', {
      error: message,
      ...(reason instanceof Error && reason.stack ? { stack: reason.stack } : {}),
    });
    if (deps.report(message) !== true) deps.alert(`ALERT UNHANDLED REJECTION supervisor: ${message}`);
  };
  target.on('unhandledRejection', onRejection);
  return () => void target.off('unhandledRejection', onRejection);
}

export function describeReason(reason: unknown): string {
  if (reason instanceof Error) {
    const code = (reason as { code?: unknown }).code;
    return `${reason.name}${typeof code === 'string' ? ` ${code}` : ''}: ${reason.message}`;
  }
  if (typeof reason === 'string') return reason;
  try {
    return JSON.stringify(reason) ?? String(reason);
  } catch {
    return String(reason);
  }
}
