// A real SQLite store in a fresh temporary directory: every store opened through TempStores is
// closed and the directory removed by cleanup().
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store, type StoreOptions } from '../../src/store/index.js';

/** Owns a temp directory; every store opened through it is closed and the directory removed by cleanup(). */
export class TempStores {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-test-'));
  readonly file = path.join(this.dir, 'data', 'bot.sqlite');
  private readonly opened: Store[] = [];

  open(options: Omit<StoreOptions, 'path' | 'dataDir'> = {}): Store {
    const store = Store.open({ path: this.file, ...options });
    this.opened.push(store);
    return store;
  }

  cleanup(): void {
    for (const s of this.opened) s.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The store tests' usual "now": 2025-01-15T12:00:00Z, midday so a few hours either way stay in one UTC day. */
export const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
