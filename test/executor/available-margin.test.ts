// Sizing by the margin the account still has free (account overview availableBalance), not by
// equity alone: with MAX_OPEN_POSITIONS=12 and every position capped at 5 000 USDT notional (1 000
// margin at 5x) on a 10 000 USDT account, equity-based sizing asked the exchange for margin it no
// longer had from the tenth entry on, and the exchange refused (300003 balance insufficient).
import { expect } from 'chai';
import { Harness } from './support/executor-harness.js';

describe('OrderExecutor: sizing by available margin', function () {
  this.timeout(60_000);
  let h: Harness;

  beforeEach(async () => {
    h = await Harness.start({ contracts: 12 });
  });

  afterEach(async () => {
    await h.close();
  });

  it('opens 12 positions without the exchange refusing one for balance (300003)', async () => {
    const store = h.store();
    const ex = h.executor(h.port(), store, {
      limits: { maxOpenPositions: 12, leverage: 5, riskPerTrade: 0.01, maxNotional: 5000, dailyLossLimit: 0.05 },
    });
    const refusals: string[] = [];
    let opened = 0;
    for (let i = 0; i < 12; i++) {
      const result = await ex.openPosition(h.signal(h.symbol(i), 'long', 0.002));
      if (result.ok) opened++;
      else refusals.push(`${h.symbol(i)} [${result.stage}] ${result.reason}`);
    }
    expect(
      refusals.filter((r) => /300003|balance/i.test(r)),
      refusals.join('\n'),
    ).to.deep.equal([]);
    // Every entry that the margin could carry at all was opened (the last ones smaller).
    expect(opened, refusals.join('\n')).to.be.at.least(10);
    const account = (await h.client().accountOverview()).data;
    expect(account.availableBalance).to.be.at.least(0);
  });
});
