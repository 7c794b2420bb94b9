// Builds dist/ when it is missing or older than the sources, so `npm run status` and `npm run ctl`
// work on a fresh clone without a separate `npm run build`, and cost nothing when dist/ is current.
// Plain JavaScript on purpose: it runs before anything is compiled.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, 'dist', process.argv[2] ?? 'supervisor/main.js');
// tsc may leave unchanged outputs untouched, so freshness is judged by a stamp written after a build.
const stamp = path.join(root, 'dist', '.built-at');
const SOURCES = ['src', 'supervisor', 'workers', 'config', 'tsconfig.json'];

function newestSource(entry) {
  const full = path.join(root, entry);
  if (!existsSync(full)) return 0;
  const st = statSync(full);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(full)) newest = Math.max(newest, newestSource(path.join(entry, name)));
  return newest;
}

const stale =
  !existsSync(target) || !existsSync(stamp) || statSync(stamp).mtimeMs < Math.max(...SOURCES.map(newestSource));
if (stale) {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    // The same two projects as `npm run build`: the bot, then the dashboard's browser scripts.
    for (const project of ['tsconfig.json', 'src/status/browser/tsconfig.json']) {
      execFileSync(process.execPath, [tsc, '-p', path.join(root, project)], { stdio: 'inherit' });
    }
  } catch {
    process.stderr.write('build failed (see above); run `npm run build` for details\n');
    process.exit(2);
  }
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}
