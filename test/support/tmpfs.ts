// A test's own small tmpfs (a disk that fills, or a read-only one): mounting needs root (CI runs as
// root), so a test that cannot mount skips the part that needs it.
import { execFileSync } from 'node:child_process';

/** Mounts a tmpfs with mount `options` (e.g. 'size=6m', 'ro,size=1m') at `dir`; false when this process may not mount. */
export function mountTmpfs(dir: string, options: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Unmounts `dir`; throws when it cannot. `lazy` detaches it at once and frees it when the last file
 * open on it closes (a bot or simulator that may still hold one).
 */
export function unmountTmpfs(dir: string, options: { readonly lazy?: boolean } = {}): void {
  execFileSync('umount', options.lazy === true ? ['-l', dir] : [dir], { stdio: 'pipe' });
}
