// Runs the real `npm run ctl` program (dist/src/control/ctl-cli.js) against a bot's DATA_DIR.
import { fileURLToPath } from 'node:url';
import { runToExit } from '../../support/child-process.js';

const CTL = fileURLToPath(new URL('../../../src/control/ctl-cli.js', import.meta.url));

export interface CtlRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCtl(dataDir: string, cwd: string, ...args: string[]): Promise<CtlRun> {
  const run = await runToExit(
    'npm run ctl',
    { command: process.execPath, args: [CTL, ...args] },
    { cwd, env: { PATH: process.env['PATH'] ?? '', DATA_DIR: dataDir } },
    60_000,
  );
  return { code: run.code ?? -1, stdout: run.stdout, stderr: run.stderr };
}
