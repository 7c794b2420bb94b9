// POST /control/<command> on the status server: always behind STATUS_TOKEN (refused outright when
// none is set, even though the read-only pages are then open), never from another origin, and a
// command reaches the control hook only when every check passed.
import { expect } from 'chai';
import type { OperatorCommand } from '../../src/control/operator-command.js';
import { StatusServer } from '../../src/status/status-server.js';
import { FakeStatusSource } from './fake-status-source.js';
import { httpGet } from './http-helpers.js';

describe('StatusServer control POSTs', () => {
  let server: StatusServer | undefined;
  let received: OperatorCommand[] = [];

  async function start(token: string): Promise<string> {
    received = [];
    server = new StatusServer({
      source: new FakeStatusSource('HEALTHY'),
      port: 0,
      refreshIntervalMs: 0,
      token,
      onError: () => undefined,
      control: async (command) => {
        received.push(command);
        return { ok: command.kind !== 'close', command: command.kind };
      },
    });
    return server.start();
  }

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('refuses every control POST when no STATUS_TOKEN is set (403), while GET / stays open', async () => {
    const url = await start('');
    for (const path of ['pause', 'resume', 'close-all', 'breaker-reset', 'status', 'close/XBTUSDTM']) {
      const res = await httpGet(`${url}control/${path}`, {}, false, 'POST');
      expect(res.status, path).to.equal(403);
      expect(res.body).to.match(/STATUS_TOKEN/);
    }
    expect((await httpGet(url)).status).to.equal(200);
    expect(received).to.deep.equal([]);
  });

  it('refuses a missing or wrong token (401) and a foreign Origin (403); runs the command with the right one', async () => {
    const url = await start('s3cret');
    expect((await httpGet(`${url}control/pause`, {}, false, 'POST')).status).to.equal(401);
    expect((await httpGet(`${url}control/pause`, { Authorization: 'Bearer wrong' }, false, 'POST')).status).to.equal(
      401,
    );
    const foreign = await httpGet(
      `${url}control/pause`,
      { Authorization: 'Bearer s3cret', Origin: 'http://evil.example' },
      false,
      'POST',
    );
    expect(foreign.status).to.equal(403);
    expect(received).to.deep.equal([]);

    const ok = await httpGet(`${url}control/pause`, { Authorization: 'Bearer s3cret' }, false, 'POST');
    expect(ok.status).to.equal(200);
    expect(JSON.parse(ok.body)).to.include({ ok: true });
    const refused = await httpGet(`${url}control/close/XBTUSDTM`, { Authorization: 'Bearer s3cret' }, false, 'POST');
    expect(refused.status).to.equal(409);
    expect(received).to.deep.equal([{ kind: 'pause' }, { kind: 'close', symbol: 'XBTUSDTM' }]);
  });

  it('answers GET with 405 and a bad command with 400 naming the commands', async () => {
    const url = await start('s3cret');
    expect((await httpGet(`${url}control/pause`, { Authorization: 'Bearer s3cret' })).status).to.equal(405);
    const bad = await httpGet(`${url}control/explode`, { Authorization: 'Bearer s3cret' }, false, 'POST');
    expect(bad.status).to.equal(400);
    expect(bad.body).to.match(/unknown command 'explode'.*breaker reset/);
    expect(received).to.deep.equal([]);
  });
});
