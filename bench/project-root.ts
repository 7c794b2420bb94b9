// The project root: the nearest folder above the running file with the project's package.json,
// whether it runs from dist/ or from a private build folder.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function projectRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = path.dirname(from);
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'kucoin-futures-bot')
      return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the project root (package.json of kucoin-futures-bot)');
    dir = up;
  }
}
