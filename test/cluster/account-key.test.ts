import { expect } from 'chai';
import { fetchAccountUid } from '../../src/cluster/account-key.js';
import { clusterKeys } from '../../src/cluster/cluster-keys.js';
import { KucoinFuturesClient } from '../../src/exchange/kucoin-futures-client.js';
import { SIM_DEFAULTS, startSimulator, type SimulatorHandle } from '../../src/simulator/simulator.js';

describe('account key: the uid behind the API key', () => {
  let sim: SimulatorHandle;
  const client = (key = sim.credentials.apiKey): KucoinFuturesClient =>
    new KucoinFuturesClient({
      baseUrl: sim.url,
      credentials: { key, secret: sim.credentials.apiSecret, passphrase: sim.credentials.apiPassphrase, keyVersion: 2 },
      timeoutMs: 5000,
    });

  before(async () => {
    sim = await startSimulator({ contracts: 2 });
  });
  after(async () => {
    await sim?.close();
  });

  it('reads the uid from API key info (GET /api/v1/user/api-key), the same for every process on the key', async () => {
    const a = await fetchAccountUid(client());
    const b = await fetchAccountUid(client());
    expect(a).to.equal(String(SIM_DEFAULTS.uid));
    expect(b).to.equal(a);
    expect(clusterKeys(a).lease('XBTUSDTM')).to.equal(`kfbot:{${a}}:lease:XBTUSDTM`);
  });

  it('is a signed call: a wrong key is refused', async () => {
    const err = await fetchAccountUid(client('not-the-key')).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(Error);
  });

  it('rejects an account id that would break the key names', () => {
    expect(() => clusterKeys('a:b')).to.throw(/account uid/);
  });
});
