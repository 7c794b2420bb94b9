// Units of issue 10's executor pieces: the journal guard (deferred writes, replay order, health
// reports), the unsettled-positions backoff, and clientOids derived from the position and the exit.
import { expect } from 'chai';
import { JournalGuard, journalFailureCode, journalUnwritableReason } from '../../src/executor/journal-guard.js';
import { UnsettledPositions } from '../../src/executor/unsettled-positions.js';
import {
  botIdOf,
  createClientOidFactory,
  derivedClientOid,
  deriveClientOid,
  isValidClientOid,
} from '../../src/executor/client-oid.js';
import { SILENT_LOGGER } from '../../src/executor/executor-options.js';
import { clockReading } from '../support/instant-clock.js';

const sqlite = (code: string): Error => Object.assign(new Error(code), { code });

describe('JournalGuard', () => {
  let events: { status: string | null; reason: string }[];
  let probes: number;
  let probeFails: boolean;
  let guard: JournalGuard;

  beforeEach(() => {
    events = [];
    probes = 0;
    probeFails = false;
    guard = new JournalGuard({
      file: '/data/bot.sqlite',
      log: SILENT_LOGGER,
      emit: (e) => void events.push({ status: e.status, reason: e.reason }),
      probe: () => {
        probes++;
        if (probeFails) throw sqlite('SQLITE_FULL');
      },
    });
  });

  it('classifies the SQLite codes that mean "cannot write" (extended codes too), nothing else', () => {
    for (const c of [
      'SQLITE_FULL',
      'SQLITE_READONLY',
      'SQLITE_READONLY_DBMOVED',
      'SQLITE_CORRUPT',
      'SQLITE_IOERR_WRITE',
      'SQLITE_NOTADB',
    ]) {
      expect(journalFailureCode(sqlite(c)), c).to.equal(c);
    }
    for (const c of ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_BUSY', 'ECONNRESET'])
      expect(journalFailureCode(sqlite(c)), c).to.equal(null);
    expect(journalFailureCode(new Error('no code'))).to.equal(null);
  });

  it('passes results through while the store takes writes', () => {
    expect(
      guard.write(
        'w',
        () => 42,
        () => -1,
      ),
    ).to.equal(42);
    expect(guard.unwritable).to.equal(false);
    expect(events).to.deep.equal([]);
  });

  it('defers a refused write, stands in its fallback, reports UNHEALTHY once with the exact reason', () => {
    expect(
      guard.write(
        'w1',
        () => {
          throw sqlite('SQLITE_FULL');
        },
        () => 'fallback',
      ),
    ).to.equal('fallback');
    expect(guard.unwritable).to.equal(true);
    expect(
      guard.write(
        'w2',
        () => 'never run now',
        () => 'fallback2',
      ),
    ).to.equal('fallback2');
    expect(guard.pending).to.equal(2);
    expect(events).to.deep.equal([
      {
        status: 'UNHEALTHY',
        reason: 'journal unwritable: SQLITE_FULL at /data/bot.sqlite; entries stopped, exits continue',
      },
    ]);
    expect(journalUnwritableReason('SQLITE_FULL', '/data/bot.sqlite')).to.equal(events[0]!.reason);
  });

  it('replays the deferred writes in order once writable, then probes and clears health', () => {
    const order: string[] = [];
    let full = true;
    const w = (name: string) => () => {
      if (full) throw sqlite('SQLITE_FULL');
      order.push(name);
    };
    guard.write('a', w('a'), () => undefined);
    guard.write('b', w('b'), () => undefined);
    expect(guard.flush()).to.equal(false);
    expect(order).to.deep.equal([]);
    full = false;
    guard.write('c', w('c'), () => undefined); // still queued behind a and b
    expect(order).to.deep.equal([]);
    expect(guard.flush()).to.equal(true);
    expect(order).to.deep.equal(['a', 'b', 'c']);
    expect(probes).to.equal(1);
    expect(guard.unwritable).to.equal(false);
    expect(events.at(-1)).to.deep.equal({ status: null, reason: 'journal writable' });
  });

  it('stays unwritable when the probe still fails', () => {
    guard.write(
      'a',
      () => {
        throw sqlite('SQLITE_READONLY');
      },
      () => undefined,
    );
    probeFails = true;
    // The store still refuses the deferred write: it stays queued, and the journal unwritable.
    expect(guard.flush()).to.equal(false);
    expect(guard.unwritable).to.equal(true);
  });

  it('rethrows errors that are not store failures, and never defers half a nested write', () => {
    expect(() =>
      guard.write(
        'bug',
        () => {
          throw new TypeError('bug');
        },
        () => undefined,
      ),
    ).to.throw(TypeError);
    let inner = 0;
    const outer = guard.write(
      'outer',
      () => {
        guard.write(
          'inner',
          () => {
            inner++;
          },
          () => undefined,
        );
        throw sqlite('SQLITE_FULL');
      },
      () => 'deferred',
    );
    expect(outer).to.equal('deferred');
    expect(guard.pending).to.equal(1); // the outer write only: replayed whole
    expect(inner).to.equal(1);
  });

  it('mustWrite refuses while unwritable (no entry without a journal) and marks a failure', () => {
    expect(() =>
      guard.mustWrite('entry', () => {
        throw sqlite('SQLITE_IOERR_WRITE');
      }),
    ).to.throw(/SQLITE_IOERR_WRITE/);
    expect(guard.unwritable).to.equal(true);
    expect(() => guard.mustWrite('entry', () => 1)).to.throw(/journal unwritable: SQLITE_IOERR_WRITE/);
  });
});

describe('UnsettledPositions', () => {
  it('looks fills up again with backoff (1 s, 2 s, 4 s ...) and forgets a settled position', () => {
    let now = 1_000_000;
    const book = new UnsettledPositions(clockReading(() => now));
    book.noFills(7, 'XBTUSDTM');
    expect(book.waiting(7)).to.equal(true);
    now += 1_000;
    expect(book.waiting(7)).to.equal(false);
    const second = book.noFills(7, 'XBTUSDTM');
    expect(second.lookups).to.equal(2);
    expect(second.nextLookupAt - now).to.equal(2_000);
    expect(second.since).to.equal(1_000_000);
    expect(book.list().map((u) => u.symbol)).to.deep.equal(['XBTUSDTM']);
    book.settle(7);
    expect(book.size).to.equal(0);
    expect(book.waiting(7)).to.equal(false);
  });
});

describe('derived clientOids', () => {
  it("are the same for the same key, different for another, valid for KuCoin, in the bot's namespace", () => {
    const f = createClientOidFactory({ botId: 'bot7' });
    const a = deriveClientOid(f, 'bot7', 'exit', 'exit|XBTUSDTM|3|1700000000000|10|0');
    expect(a).to.equal(deriveClientOid(f, 'bot7', 'exit', 'exit|XBTUSDTM|3|1700000000000|10|0'));
    expect(a).to.not.equal(deriveClientOid(f, 'bot7', 'exit', 'exit|XBTUSDTM|3|1700000000000|9|0'));
    expect(a.startsWith('kb_bot7_e')).to.equal(true);
    expect(a).to.have.length(40);
    expect(botIdOf(a)).to.equal('bot7');
    expect(isValidClientOid(a)).to.equal(true);
    expect(deriveClientOid((k) => k, 'bot7', 'stop', 'k')).to.equal(derivedClientOid('kb_bot7_', 'stop', 'k'));
  });
});
