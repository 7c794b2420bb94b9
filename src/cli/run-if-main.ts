// The operator CLIs (status, ctl, profile) are modules with a testable run function; this runs it
// when the module is the process's entry, and turns an unexpected failure into one line and an exit
// code instead of an unhandled-rejection stack.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface CliIo {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  out(text: string): void;
  err(text: string): void;
}

/** Runs `run` with the process's argv, env and streams when `moduleUrl` is the entry script. */
export function runIfMain(
  moduleUrl: string,
  name: string,
  run: (io: CliIo) => Promise<number>,
  failureCode: number,
): void {
  const entry = process.argv[1];
  if (entry === undefined || moduleUrl !== pathToFileURL(path.resolve(entry)).href) return;
  const io: CliIo = {
    argv: process.argv.slice(2),
    env: process.env,
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
  };
  run(io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = failureCode;
    },
  );
}
