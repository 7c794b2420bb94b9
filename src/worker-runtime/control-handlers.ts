// A worker's operator-command handlers (close, close-all, breaker-reset). Parts register what they
// can do (the exchange client its breaker reset, the executor its closes); the runtime runs the one
// a `control` message names and answers with a `control-result`. A command nobody here handles is
// answered, not dropped, so the supervisor never waits for a reply that cannot come.
import type { WorkerControlCommand } from '../protocol/messages.js';

export type ControlKind = WorkerControlCommand['kind'];
type CommandOf<K extends ControlKind> = Extract<WorkerControlCommand, { kind: K }>;

/** Resolves to a one-line account of what was done; throws (or rejects) when it could not be done. */
export type ControlHandler<K extends ControlKind> = (command: CommandOf<K>) => Promise<string> | string;

export interface ControlOutcome {
  readonly ok: boolean;
  readonly detail: string;
}

export class ControlHandlers {
  private readonly handlers = new Map<ControlKind, (command: WorkerControlCommand) => Promise<string> | string>();

  /** Registers the handler of `kind`; a later registration replaces an earlier one. */
  on<K extends ControlKind>(kind: K, handler: ControlHandler<K>): void {
    this.handlers.set(kind, handler as (command: WorkerControlCommand) => Promise<string> | string);
  }

  async run(command: WorkerControlCommand): Promise<ControlOutcome> {
    const handler = this.handlers.get(command.kind);
    if (!handler) return { ok: false, detail: `${command.kind} is not handled by this worker` };
    try {
      return { ok: true, detail: await handler(command) };
    } catch (err) {
      return { ok: false, detail: err instanceof Error ? err.message : String(err) };
    }
  }
}
