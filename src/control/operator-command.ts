// What an operator can ask of a running bot, in one tagged union, with the one parser both the
// command line (`npm run ctl -- close XBTUSDTM`) and the status server's POST paths use.
import { z } from 'zod';

/** Where a command came from: the local socket (`npm run ctl`) or the status server (curl, the dashboard). */
export const COMMAND_SOURCES = ['socket', 'http', 'restart'] as const;
export type CommandSource = (typeof COMMAND_SOURCES)[number];

const SYMBOL = /^[A-Z0-9]{2,30}$/;

export const operatorCommandSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('pause') }),
  z.object({ kind: z.literal('resume') }),
  z.object({ kind: z.literal('close'), symbol: z.string().regex(SYMBOL, 'a contract symbol such as XBTUSDTM') }),
  z.object({ kind: z.literal('close-all') }),
  z.object({ kind: z.literal('breaker-reset') }),
  z.object({ kind: z.literal('status') }),
]);
export type OperatorCommand = z.infer<typeof operatorCommandSchema>;

export const USAGE = 'commands: pause | resume | close <SYMBOL> | close all | breaker reset | status';

export type ParsedCommand =
  | { readonly ok: true; readonly command: OperatorCommand }
  | { readonly ok: false; readonly problem: string };

/**
 * Words as typed after `npm run ctl --`: `pause`, `close XBTUSDTM`, `close all`, `breaker reset`.
 * The hyphenated forms (`close-all`, `breaker-reset`) are accepted too: they are the POST paths.
 */
export function parseCommandWords(words: readonly string[]): ParsedCommand {
  const [first, second, ...rest] = words.map((w) => w.trim()).filter((w) => w !== '');
  const extra = (n: number): ParsedCommand => ({
    ok: false,
    problem: `unexpected '${words.slice(n).join(' ')}' after '${words.slice(0, n).join(' ')}'. ${USAGE}`,
  });
  switch (first?.toLowerCase()) {
    case undefined:
      return { ok: false, problem: `no command given. ${USAGE}` };
    case 'pause':
    case 'resume':
    case 'status':
    case 'close-all':
    case 'breaker-reset':
      return second === undefined ? { ok: true, command: { kind: first.toLowerCase() as 'pause' } } : extra(1);
    case 'breaker':
      if (second?.toLowerCase() !== 'reset') return { ok: false, problem: `did you mean 'breaker reset'? ${USAGE}` };
      return rest.length === 0 ? { ok: true, command: { kind: 'breaker-reset' } } : extra(2);
    case 'close': {
      if (second === undefined)
        return { ok: false, problem: `close needs a symbol (close XBTUSDTM) or 'all'. ${USAGE}` };
      if (rest.length > 0) return extra(2);
      if (second.toLowerCase() === 'all') return { ok: true, command: { kind: 'close-all' } };
      return parseCommand({ kind: 'close', symbol: second.toUpperCase() });
    }
    default:
      return { ok: false, problem: `unknown command '${first}'. ${USAGE}` };
  }
}

/** A command as JSON (the control socket's request line). */
export function parseCommand(raw: unknown): ParsedCommand {
  const result = operatorCommandSchema.safeParse(raw);
  if (result.success) return { ok: true, command: result.data };
  const problem = result.error.issues.map((i) => `${i.path.join('.') || 'command'}: ${i.message}`).join('; ');
  return { ok: false, problem: `${problem}. ${USAGE}` };
}

/** `close XBTUSDTM`, `breaker reset`: how a person would type it. */
export function describeCommand(command: OperatorCommand): string {
  switch (command.kind) {
    case 'close':
      return `close ${command.symbol}`;
    case 'close-all':
      return 'close all';
    case 'breaker-reset':
      return 'breaker reset';
    case 'pause':
    case 'resume':
    case 'status':
      return command.kind;
    default: {
      const never: never = command;
      return never;
    }
  }
}
