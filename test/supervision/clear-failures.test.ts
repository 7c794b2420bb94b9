// Clear failures (issue 10, item 7): a journal that cannot open is one line naming the file, the
// SQLite code and what to do, with exit code 3 (real child processes of the built entry); a worker
// that dies reports its real error, not `undefined: undefined`; an unhandled rejection in the
// supervisor is logged and alerted, not silent.
import { expect } from 'chai';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KUCOIN_LIMITS } from '../../src/exchange/endpoints.js';
import { SharedRateLimiter } from '../../src/resilience/shared-rate-limiter.js';
import { STORE_OPEN_EXIT_CODE, Store, isStoreOpenError } from '../../src/store/index.js';
import { workerError } from '../../src/supervision/worker-handle.js';
import { WorkerSupervisor } from '../../src/supervision/worker-supervisor.js';
import { installRejectionGuard } from '../../supervisor/rejection-guard.js';
import { workerSpecs } from '../../supervisor/worker-specs.js';
import { CONFIG_DEFAULTS } from '../../config/schema.js';
import { FAST, captureLogger, nextEvent } from './harness.js';
import { runBotToExit } from '../support/bot-entry.js';
import { mountTmpfs, unmountTmpfs } from '../support/tmpfs.js';

const GARBAGE = 'this is not an SQLite database, just text where the journal should be\n'.repeat(200);

const nonEmpty = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '');

describe('clear failures', function () {
  this.timeout(40_000);
  let dir: string | undefined;
  let mounted: string | undefined;

  afterEach(() => {
    if (mounted) unmountTmpfs(mounted);
    if (dir) {
      chmodSync(dir, 0o700);
      rmSync(dir, { recursive: true, force: true });
    }
    dir = mounted = undefined;
  });

  describe('a journal that cannot open (built entry, real child process)', () => {
    it('a garbage file: one line with the file, SQLITE_NOTADB and what to do; exit code 3', async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'clear-fail-'));
      const dataDir = path.join(dir, 'data');
      mkdirSync(dataDir);
      const file = path.join(dataDir, 'bot.sqlite');
      writeFileSync(file, GARBAGE);
      // SIM_URL keeps bot.sqlite across runs (the embedded simulator would archive it); nothing listens there.
      const run = await runBotToExit(dir, {
        TRADING_MODE: 'paper',
        STATUS_PORT: '0',
        DATA_DIR: dataDir,
        SIM_URL: 'http://127.0.0.1:9',
      });
      expect(run.code, run.stderr).to.equal(STORE_OPEN_EXIT_CODE);
      const lines = nonEmpty(run.stderr);
      expect(lines, run.stderr).to.have.length(1);
      expect(lines[0])
        .to.contain(file)
        .and.to.contain('SQLITE_NOTADB')
        .and.to.match(/move it .* aside/);
      expect(run.stdout + run.stderr).not.to.match(/^\s+at /m); // no stack trace
    });

    it('a read-only directory: one line with the file, the code and "writable"; exit code 3', async function () {
      dir = mkdtempSync(path.join(tmpdir(), 'clear-fail-'));
      const dataDir = path.join(dir, 'data');
      mkdirSync(dataDir);
      if (process.getuid?.() === 0) {
        // Root writes through permission bits: a read-only mount is the real thing.
        if (!mountTmpfs(dataDir, 'ro,size=1m')) this.skip(); // no mount capability in this container
        mounted = dataDir;
      } else {
        chmodSync(dataDir, 0o555);
      }
      const run = await runBotToExit(dir, { TRADING_MODE: 'paper', STATUS_PORT: '0', DATA_DIR: dataDir });
      expect(run.code, run.stderr).to.equal(STORE_OPEN_EXIT_CODE);
      const lines = nonEmpty(run.stderr);
      expect(lines, run.stderr).to.have.length(1);
      expect(lines[0])
        .to.contain(dataDir)
        .and.to.match(/: (SQLITE_CANTOPEN|SQLITE_READONLY|EROFS|EACCES) /)
        .and.to.contain('writable');
      expect(run.stdout + run.stderr).not.to.match(/^\s+at /m);
    });

    it('Store.open names a corrupt file as a StoreOpenError with its SQLite code', () => {
      dir = mkdtempSync(path.join(tmpdir(), 'clear-fail-'));
      const file = path.join(dir, 'bot.sqlite');
      Store.open({ path: file }).close();
      // Keep the 100-byte header, overwrite the pages after it: the schema can no longer be read.
      const fd = Buffer.alloc(8192, 0x5a);
      writeFileSync(file, Buffer.concat([Buffer.from('SQLite format 3\u0000'), Buffer.alloc(84, 0x10), fd]));
      let caught: unknown;
      try {
        Store.open({ path: file }).close();
      } catch (e) {
        caught = e;
      }
      expect(isStoreOpenError(caught), String(caught)).to.equal(true);
      expect(String((caught as Error).message))
        .to.contain(file)
        .and.to.match(/SQLITE_(CORRUPT|NOTADB)/);
    });
  });

  describe('a worker that dies', () => {
    let supervisor: WorkerSupervisor | undefined;
    afterEach(async () => {
      await supervisor?.stop('test over');
      supervisor = undefined;
    });

    it('the executor dying on its journal reports the SQLite error, not `undefined: undefined`', async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'clear-fail-'));
      const journalFile = path.join(dir, 'bot.sqlite');
      writeFileSync(journalFile, GARBAGE);
      const alerts: string[] = [];
      // The real executor with the settings the bot would send it (schema defaults, a venue it never reaches).
      const venue = {
        url: 'http://127.0.0.1:9',
        simulator: undefined,
        settings: {
          url: 'http://127.0.0.1:9',
          apiKey: 'k',
          apiSecret: 's',
          apiPassphrase: 'p',
          apiKeyVersion: 2 as const,
        },
      };
      const executor = workerSpecs(CONFIG_DEFAULTS, venue, journalFile, 'clearfail').filter(
        (s) => s.name === 'order-executor',
      );
      supervisor = new WorkerSupervisor(executor, SharedRateLimiter.create(KUCOIN_LIMITS).buffer, {
        ...FAST,
        maxRestarts: 0,
        logger: captureLogger(),
        alert: (l) => alerts.push(l),
      });
      const crashed = nextEvent(supervisor.onCrash, undefined, 20_000, 'the executor crash');
      void supervisor.start();
      const crash = await crashed;
      expect(crash.reason).not.to.contain('undefined');
      expect(crash.reason).to.contain('SQLITE_NOTADB').and.to.contain(journalFile);
      expect(alerts[0]).to.match(/^THREAD CRASH order-executor: StoreOpenError .*SQLITE_NOTADB/);
    });

    it('rebuilds a readable error from what a thread error event delivers', () => {
      expect(workerError({ code: 'SQLITE_NOTADB' }).message).to.match(/^SQLITE_NOTADB /);
      expect(workerError({ code: 'SQLITE_NOTADB' }).name).to.equal('WorkerError');
      expect(workerError(undefined).message).to.match(/unrecognised error value/);
      const real = new TypeError('x is not a function');
      expect(workerError(real)).to.equal(real);
    });
  });

  describe('an unhandled rejection in the supervisor', () => {
    it('is logged with its stack and alerted, and the process keeps its handler', () => {
      const target = new EventEmitter() as unknown as NodeJS.Process;
      const logger = captureLogger();
      const reported: string[] = [];
      const fallback: string[] = [];
      let observabilityUp = false;
      const uninstall = installRejectionGuard(target, {
        logger,
        report: (m) => {
          if (!observabilityUp) return undefined;
          reported.push(m);
          return true;
        },
        alert: (l) => fallback.push(l),
      });
      const early = Object.assign(new Error('status server socket vanished'), { code: 'ECONNRESET' });
      target.emit('unhandledRejection', early, Promise.resolve());
      expect(fallback).to.deep.equal([
        'ALERT UNHANDLED REJECTION supervisor: Error ECONNRESET: status server socket vanished',
      ]);
      observabilityUp = true;
      target.emit('unhandledRejection', 'a bare string', Promise.resolve());
      expect(reported).to.deep.equal(['a bare string']);
      expect(logger.lines.map((l) => [l.level, l.message])).to.deep.equal([
        ['error', 'unhandled promise rejection'],
        ['error', 'unhandled promise rejection'],
      ]);
      expect(logger.lines[0]?.meta['stack']).to.match(/status server socket vanished/);
      uninstall();
      expect((target as unknown as EventEmitter).listenerCount('unhandledRejection')).to.equal(0);
    });
  });
});
