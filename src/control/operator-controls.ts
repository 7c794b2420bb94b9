// Carries out operator commands, whatever transport they came by (control socket or status server):
// pause/resume flip the entry switch in the journal (the executor reads it before every entry, so
// a pause survives thread and process restarts); closes go to the executor, which closes
// reduce-only through its one-close-per-position path; a breaker reset goes to every worker, each
// owning its own exchange breaker. Every command is journaled with its source and announced
// (alert, dashboard event, console line).
import type { WorkerControlCommand } from '../protocol/messages.js';
import type { OperatorCommandRecord, OperatorCommands } from '../store/index.js';
import { describeCommand, type CommandSource, type OperatorCommand } from './operator-command.js';

export interface ControlReplyLike {
  readonly worker: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** The part of WorkerSupervisor the controls use. */
export interface ControlTarget {
  control(worker: string, command: WorkerControlCommand, timeoutMs?: number): Promise<ControlReplyLike>;
  workersWithRole(role: 'executor' | 'client' | 'standalone'): string[];
}

/** What `status` reports besides the entry switch (filled by the supervisor). */
export interface BotStatusView {
  readonly mode: string;
  readonly health: string;
  readonly reasons: readonly string[];
  readonly openPositions: readonly { readonly symbol: string; readonly side: string; readonly size: number }[];
}

export interface CommandResult {
  readonly ok: boolean;
  /** As a person types it: `close XBTUSDTM`. */
  readonly command: string;
  readonly source: CommandSource;
  readonly detail: string;
  /** The entry switch after the command. */
  readonly paused: boolean;
  readonly pausedSince: string | null;
  /** Only for `status`. */
  readonly status?: BotStatusView & { readonly recentCommands: readonly OperatorCommandRecord[] };
}

export interface OperatorControlsOptions {
  readonly target: ControlTarget;
  readonly commands: OperatorCommands;
  readonly statusView: () => BotStatusView;
  /** Alert, dashboard event and console line for a command that changed or tried to change something. */
  readonly announce: (result: CommandResult) => void;
  /** Longest a close or reset waits for the worker's answer (default 30 s). */
  readonly replyTimeoutMs?: number;
  readonly onError?: (message: string, error: unknown) => void;
}

export class OperatorControls {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: OperatorControlsOptions) {}

  get paused(): boolean {
    return this.options.commands.paused();
  }

  /**
   * Never rejects. Closes and resets run one at a time, in arrival order; pause, resume and status
   * only touch the journal and never wait behind a close that is waiting for the exchange.
   */
  execute(command: OperatorCommand, source: CommandSource): Promise<CommandResult> {
    const queued = command.kind === 'close' || command.kind === 'close-all' || command.kind === 'breaker-reset';
    const run = queued ? this.queue.then(() => this.run(command, source)) : this.run(command, source);
    if (queued) this.queue = run.catch(() => undefined);
    return run.catch((err: unknown) => this.finish(command, source, false, `failed: ${(err as Error).message}`));
  }

  private async run(command: OperatorCommand, source: CommandSource): Promise<CommandResult> {
    const { commands } = this.options;
    switch (command.kind) {
      case 'pause':
        return this.finish(
          command,
          source,
          true,
          commands.paused() ? 'entries were already paused' : 'entries paused; exits, stops and monitoring go on',
        );
      case 'resume':
        return this.finish(command, source, true, commands.paused() ? 'entries resumed' : 'entries were not paused');
      case 'close':
      case 'close-all': {
        const executor = this.options.target.workersWithRole('executor')[0];
        if (executor === undefined) return this.finish(command, source, false, 'no order executor is configured');
        const reply = await this.options.target.control(executor, command, this.options.replyTimeoutMs);
        return this.finish(command, source, reply.ok, reply.detail);
      }
      case 'breaker-reset': {
        const workers = ['executor', 'client', 'standalone'].flatMap((r) =>
          this.options.target.workersWithRole(r as 'executor'),
        );
        const replies = await Promise.all(
          workers.map((w) => this.options.target.control(w, { kind: 'breaker-reset' }, this.options.replyTimeoutMs)),
        );
        return this.finish(
          command,
          source,
          replies.length > 0 && replies.every((r) => r.ok),
          replies.map((r) => r.detail).join('; ') || 'no workers',
        );
      }
      case 'status':
        return this.finish(command, source, true, 'status');
      default: {
        const never: never = command;
        return never;
      }
    }
  }

  private finish(command: OperatorCommand, source: CommandSource, ok: boolean, detail: string): CommandResult {
    const { commands } = this.options;
    const target = command.kind === 'close' ? command.symbol : null;
    try {
      commands.record({ source, command: command.kind, target, ok, detail: detail.slice(0, 2000) });
    } catch (err) {
      // A pause that could not be journaled did not happen: say so rather than pretend.
      this.options.onError?.('could not journal an operator command', err);
      if (command.kind === 'pause' || command.kind === 'resume') {
        ok = false;
        detail = `not done: the journal refused it (${(err as Error).message})`;
      }
    }
    const since = commands.pausedSince();
    const result: CommandResult = {
      ok,
      command: describeCommand(command),
      source,
      detail,
      paused: since !== null,
      pausedSince: since === null ? null : new Date(since.at).toISOString(),
      ...(command.kind === 'status'
        ? { status: { ...this.options.statusView(), recentCommands: commands.recent(10) } }
        : {}),
    };
    // A status request changes nothing: journaled, not announced.
    if (command.kind !== 'status') {
      try {
        this.options.announce(result);
      } catch (err) {
        this.options.onError?.('could not announce an operator command', err);
      }
    }
    return result;
  }
}
