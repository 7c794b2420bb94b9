// GET /profile: behind the token like /metrics, arguments checked with errors that name them, the
// profile taker's answer served as JSON, its refusal as 409; 404 when the server has no taker.
import { expect } from 'chai';
import { StatusServer, type ProfileTaker } from '../../src/status/status-server.js';
import { FakeStatusSource } from './fake-status-source.js';
import { httpGet } from './http-helpers.js';

const TOKEN = 'profile-token';
const auth = { Authorization: `Bearer ${TOKEN}` };

describe('status server /profile', () => {
  const servers: StatusServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function start(profiler?: ProfileTaker): Promise<string> {
    const server = new StatusServer({
      source: new FakeStatusSource(),
      port: 0,
      token: TOKEN,
      refreshIntervalMs: 0,
      ...(profiler ? { profiler } : {}),
    });
    servers.push(server);
    return server.start();
  }

  it('asks the taker for the thread, kind and seconds, behind the token', async () => {
    const asked: Array<[string, string, number]> = [];
    const base = await start(async (thread, kind, seconds) => {
      asked.push([thread, kind, seconds]);
      if (thread === 'nope') throw new Error("no live thread named 'nope'");
      return '{"nodes":[],"samples":[],"timeDeltas":[]}';
    });
    expect((await httpGet(`${base}profile?thread=scanner&seconds=2`)).status).to.equal(401);
    const ok = await httpGet(`${base}profile?thread=scanner&seconds=2`, auth);
    expect(ok.status).to.equal(200);
    expect(JSON.parse(ok.body)).to.have.keys('nodes', 'samples', 'timeDeltas');
    expect((await httpGet(`${base}profile?thread=order-executor&kind=heap`, auth)).status).to.equal(200);
    expect(asked).to.deep.equal([
      ['scanner', 'cpu', 2],
      ['order-executor', 'heap', 5],
    ]);
    const refused = await httpGet(`${base}profile?thread=nope&seconds=1`, auth);
    expect(refused.status).to.equal(409);
    expect(refused.body).to.match(/no live thread named 'nope'/);
  });

  it('names the bad argument', async () => {
    const base = await start(async () => '{}');
    const bad = async (query: string): Promise<string> => {
      const answer = await httpGet(`${base}profile?${query}`, auth);
      expect(answer.status).to.equal(400);
      return (JSON.parse(answer.body) as { error: string }).error;
    };
    expect(await bad('seconds=2')).to.match(/query "thread" must name a thread/);
    expect(await bad('thread=scanner&kind=wall')).to.match(/query "kind" must be cpu or heap/);
    expect(await bad('thread=scanner&seconds=0')).to.match(/query "seconds" must be a number in \(0, 300\]/);
    expect(await bad('thread=scanner&seconds=abc')).to.match(/query "seconds"/);
  });

  it('is 404 when the bot offers no profiler', async () => {
    const base = await start();
    expect((await httpGet(`${base}profile?thread=scanner`, auth)).status).to.equal(404);
  });
});
