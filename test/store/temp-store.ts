// Test helpers: a real SQLite file in a fresh temporary directory, and a hand-driven clock.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store, type StoreOptions } from '../../src/store/index.js';

export class ManualClock {
  constructor(public ms: number) {}

  now(): number {
    return this.ms;
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}

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

export const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
