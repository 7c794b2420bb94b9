// The built bot (dist/supervisor/main.js) for tests that run it as a child process, and the run of it
// to its exit in a directory of its own with only the settings a test names (never a developer's
// .env or shell settings: the child's env is PATH plus LOG_DIR and DATA_DIR inside `dir`).
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { runToExit } from './child-process.js';

export const BOT_ENTRY = fileURLToPath(new URL('../../supervisor/main.js', import.meta.url));

/** Runs the bot in `dir` until it exits (e.g. a refusal to start) with `env` over the bare minimum. */
export function runBotToExit(
  dir: string,
  env: Readonly<Record<string, string>> = {},
): Promise<{ code: number | null; output: string; stdout: string; stderr: string }> {
  return runToExit('bot', BOT_ENTRY, {
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '', LOG_DIR: path.join(dir, 'logs'), DATA_DIR: path.join(dir, 'data'), ...env },
  });
}
