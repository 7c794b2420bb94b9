// Fills a test's own small tmpfs to the last byte (ENOSPC), so SQLite's next write fails the way a
// full disk makes it fail. Refuses anything bigger than 1 GiB: a test abandoned after its timeout
// (its mount already gone) would otherwise fill the machine's real disk, and every test after it
// fails on SQLITE_FULL.
import fs from 'node:fs';
import path from 'node:path';

/** Writes `dir/filler` until the file system is full; returns the filler's path (delete it to free the space). */
export function fillDisk(dir: string): string {
  const fsys = fs.statfsSync(dir);
  if (fsys.blocks * fsys.bsize > 1024 ** 3)
    throw new Error(`refusing to fill ${dir}: not the test's small tmpfs (${fsys.blocks * fsys.bsize} bytes)`);
  const filler = path.join(dir, 'filler');
  const fd = fs.openSync(filler, 'w');
  const chunk = Buffer.alloc(256 * 1024, 1);
  try {
    // Halving pieces down to one byte, so not even a page is left for the journal.
    for (let size = chunk.length; size >= 1; size = Math.floor(size / 2)) {
      try {
        for (;;) fs.writeSync(fd, chunk.subarray(0, size));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return filler;
}
