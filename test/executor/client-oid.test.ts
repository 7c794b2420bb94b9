// The bot's namespace on the account: clientOids carry kb_<BOT_ID>_, stay within KuCoin's 40
// characters, and are deterministic when the clock and randomness are; ownership is decided by
// the prefix and the journal, never by a guess.
import { expect } from 'chai';
import {
  botIdOf,
  botPrefix,
  createBotId,
  createClientOidFactory,
  isValidClientOid,
} from '../../src/executor/client-oid.js';
import { orderOwner, type JournalView } from '../../src/executor/order-ownership.js';

const EMPTY_JOURNAL: JournalView = { knowsClientOid: () => false, knowsOrderId: () => false };

describe('clientOid namespace (BOT_ID)', () => {
  it('every clientOid starts with kb_<botId>_ and fits 40 characters, even with a 12-character id', () => {
    for (const botId of ['a', 'k3x9q0ab', 'ABCDEFGHIJKL']) {
      const make = createClientOidFactory({ botId, clock: { now: () => 1_900_000_000_000 } });
      for (let i = 0; i < 200; i++) {
        const oid = make(i % 3 === 0 ? 'entry' : i % 3 === 1 ? 'stop' : 'exit');
        expect(oid.startsWith(`kb_${botId}_`), oid).to.equal(true);
        expect(oid.length, oid).to.be.at.most(40);
        expect(isValidClientOid(oid), oid).to.equal(true);
        expect(botIdOf(oid)).to.equal(botId);
      }
    }
  });

  it('is deterministic with an injected clock and randomness', () => {
    const make = () =>
      createClientOidFactory({ botId: 'b1', clock: { now: () => 1_700_000_000_000 }, random: () => 'cafe01' });
    const [x, y] = [make(), make()];
    expect([x('entry'), x('stop')]).to.deep.equal([y('entry'), y('stop')]);
    expect(
      createClientOidFactory({ botId: 'b1', clock: { now: () => 1_700_000_000_000 }, random: () => 'cafe01' })('entry'),
    ).to.equal('kb_b1_eloyw3v280001cafe01');
  });

  it('refuses a bad BOT_ID, naming it', () => {
    expect(() => botPrefix('has space')).to.throw(/BOT_ID/);
    expect(() => botPrefix('thirteenchars')).to.throw(/BOT_ID/);
    expect(() => createClientOidFactory({ botId: '' })).to.throw(/BOT_ID/);
  });

  it('a created bot id is 8 base-36 characters, from the injected randomness', () => {
    expect(createBotId(() => Buffer.from([0, 1, 2, 35, 36, 71, 200, 255]))).to.equal('012z0zk3');
    expect(createBotId()).to.match(/^[a-z0-9]{8}$/);
  });

  it("botIdOf: only the kb_<id>_ shape names a bot (a person's UUID or free text does not)", () => {
    expect(botIdOf('kb_other7_e123')).to.equal('other7');
    expect(botIdOf('3f2a9c1e-1b2c-4d5e-8f90-123456789abc')).to.equal(undefined);
    expect(botIdOf('kbe123456')).to.equal(undefined);
    expect(botIdOf(null)).to.equal(undefined);
  });

  it('orderOwner: own by prefix or by journal; another prefix is another bot; anything else a person', () => {
    expect(orderOwner({ id: '1', clientOid: 'kb_me_e1' }, 'me', EMPTY_JOURNAL)).to.equal('own');
    expect(orderOwner({ id: '2', clientOid: 'kb_you_e1' }, 'me', EMPTY_JOURNAL)).to.equal('other-bot');
    expect(orderOwner({ id: '3', clientOid: 'manual-1' }, 'me', EMPTY_JOURNAL)).to.equal('person');
    expect(orderOwner({ id: '4', clientOid: null }, 'me', EMPTY_JOURNAL)).to.equal('person');
    // Sent before the namespace existed (or under an earlier BOT_ID): the journal knows it.
    const journal: JournalView = { knowsClientOid: (c) => c === 'kbe0legacy', knowsOrderId: (id) => id === '6' };
    expect(orderOwner({ id: '5', clientOid: 'kbe0legacy' }, 'me', journal)).to.equal('own');
    expect(orderOwner({ id: '6', clientOid: null }, 'me', journal)).to.equal('own');
  });
});
