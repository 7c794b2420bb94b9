// Runs the real `npm run ctl` program (dist/src/control/ctl-cli.js) against a bot's DATA_DIR.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CTL = fileURLToPath(new URL('../../../src/control/ctl-cli.js', import.meta.url));

export interface CtlRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCtl(dataDir: string, cwd: string, ...args: string[]): Promise<CtlRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CTL, ...args], { cwd, env: { PATH: process.env['PATH'] ?? '', DATA_DIR: dataDir }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}
