import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { ManualClock } from '../support/manual-clock.js';
import { T0, TempStores } from '../support/temp-stores.js';

const crashWriter = fileURLToPath(new URL('./fixtures/crash-writer.js', import.meta.url));

describe('store: durability across a crash', () => {
  let temp: TempStores;
  beforeEach(() => {
    temp = new TempStores();
  });
  afterEach(() => temp.cleanup());

  it('keeps everything a SIGKILLed process committed, and realised PnL does not change on restart', () => {
    const child = spawnSync(process.execPath, [crashWriter, temp.file, String(T0)], {
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(child.signal, child.stderr).to.equal('SIGKILL');
    const before = JSON.parse(child.stdout) as { realisedPnlTotal: number; daily: { realisedPnl: number } };
    // The killed process never checkpointed: what follows is recovered from the WAL.
    expect(fs.statSync(`${temp.file}-wal`).size).to.be.greaterThan(0);

    const clock = new ManualClock(T0 + 3600_000);
    const store = temp.open({ clock });
    expect(store.realisedPnlTotal()).to.equal(before.realisedPnlTotal);
    expect(store.realisedPnlTotal()).to.be.closeTo(9.13, 1e-12);
    expect(store.dailyPnl.forDay('2025-01-15').realisedPnl).to.equal(before.daily.realisedPnl);

    // Reconciliation work: the sent entry whose outcome was lost is still there, with its attempt.
    const unresolved = store.intents.unresolvedIntents();
    expect(unresolved.map((i) => [i.clientOid, i.state, i.attempts])).to.deep.equal([['entry-1', 'sent', 1]]);
    expect(store.intents.get('exit-0')).to.deep.include({ state: 'filled', orderId: 'ord-exit-0' });
    expect(store.positions.active().map((p) => [p.symbol, p.stopOrderId])).to.deep.equal([['XBTUSDTM', 'so-1']]);
    expect(store.events.restarts()).to.have.length(1);

    // The reconcile re-reports what the crashed run already recorded: nothing doubles.
    const eth = store.trades.recent().find((t) => t.symbol === 'ETHUSDTM');
    expect(eth).to.not.equal(undefined);
    const again = store.trades.recordClose({
      positionId: eth!.positionId,
      exitPrice: 2000,
      realisedPnl: 99,
      fees: 0,
      reason: 'reconcile',
    });
    expect(again.created).to.equal(false);
    expect(
      store.intents.recordIntent({ clientOid: 'entry-1', symbol: 'XBTUSDTM', side: 'buy', kind: 'entry', size: 2 })
        .created,
    ).to.equal(false);
    const since = store.fills.lastFillTime();
    expect(since).to.equal(T0 + 9);
    const reimport = store.fills.recordFills([
      {
        tradeId: 't2',
        orderId: 'ord-sol',
        symbol: 'SOLUSDTM',
        side: 'buy',
        price: 151,
        size: 3,
        fee: 0.09,
        time: T0 + 9,
      },
      {
        tradeId: 't3',
        orderId: 'ord-entry-1',
        clientOid: 'entry-1',
        symbol: 'XBTUSDTM',
        side: 'buy',
        price: 60_010,
        size: 2,
        fee: 0.7,
        time: T0 + 20,
      },
    ]);
    expect(reimport).to.deep.equal({ inserted: 1, duplicates: 1 });
    store.intents.markFilled('entry-1', { orderId: 'ord-entry-1', avgFillPrice: 60_010 });
    expect(store.intents.unresolvedIntents()).to.deep.equal([]);
    expect(store.realisedPnlTotal()).to.equal(before.realisedPnlTotal);
  });

  it('reads uncheckpointed writes from a connection that was never closed, then after reopening', () => {
    const clock = new ManualClock(T0);
    const writer = temp.open({ clock });
    const p = writer.positions.open({ symbol: 'XBTUSDTM', side: 'short', size: 1, entryPrice: 100 });
    writer.trades.recordClose({ positionId: p.id, exitPrice: 90, realisedPnl: 9.9, fees: 0.1, reason: 'take-profit' });
    writer.intents.recordIntent({ clientOid: 'e-2', symbol: 'ETHUSDTM', side: 'buy', kind: 'entry', size: 1 });

    const peer = temp.open({ clock }); // the writer is left open, as after a crash
    expect(peer.realisedPnlTotal()).to.equal(9.9);
    expect(peer.intents.get('e-2')?.state).to.equal('pending');

    const reopened = temp.open({ clock });
    expect(reopened.realisedPnlTotal()).to.equal(9.9);
    expect(reopened.positions.get(p.id)?.status).to.equal('closed');
  });
});
