import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StatusServer } from '../../src/status/status-server.js';
import { statusTarget } from '../../src/status/status-cli.js';
import { FakeStatusSource } from './fake-status-source.js';
import { runToExit } from '../support/child-process.js';

const CLI = fileURLToPath(new URL('../../src/status/status-cli.js', import.meta.url));

function runCli(
  env: Record<string, string>,
  cwd: string,
  args: string[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // Only the variables under test: never the developer's own STATUS_* settings.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('STATUS_')));
  return runToExit(
    'status CLI',
    { command: process.execPath, args: [CLI, ...args] },
    { cwd, env: { ...base, ...env } },
  );
}

describe('npm run status (status CLI)', () => {
  let server: StatusServer | undefined;
  let cwd: string;

  beforeEach(() => {
    cwd = mkdtempSync(path.join(tmpdir(), 'status-cli-'));
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
    rmSync(cwd, { recursive: true, force: true });
  });

  async function serve(source: FakeStatusSource, token = ''): Promise<string> {
    server = new StatusServer({ source, port: 0, token, refreshIntervalMs: 0 });
    const url = await server.start();
    return new URL(url).port;
  }

  it('prints the human report and exits 0 when healthy (token set on the server too)', async () => {
    const port = await serve(new FakeStatusSource('HEALTHY'), 'tok');
    const run = await runCli({ STATUS_HOST: '127.0.0.1', STATUS_PORT: port, STATUS_TOKEN: 'tok' }, cwd);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include('POSITIONS');
    expect(run.stdout).to.include('API HEALTH');
    expect(run.stdout).to.include('HEALTHY');
    expect(run.stderr).to.equal('');
  });

  it('exits 0 when DEGRADED and 1 when UNHEALTHY, still printing the report', async () => {
    const source = new FakeStatusSource('DEGRADED');
    const port = await serve(source);
    expect((await runCli({ STATUS_PORT: port }, cwd)).code).to.equal(0);
    source.setStatus('UNHEALTHY');
    const run = await runCli({ STATUS_PORT: port }, cwd);
    expect(run.code).to.equal(1);
    expect(run.stdout).to.include('test says UNHEALTHY');
    expect(run.stderr).to.include('UNHEALTHY (HTTP 503');
  });

  it('exits 2 with a message naming the URL when nothing listens', async () => {
    const port = await serve(new FakeStatusSource());
    await server?.close();
    server = undefined;
    const run = await runCli({ STATUS_HOST: '127.0.0.1', STATUS_PORT: port }, cwd);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include(`http://127.0.0.1:${port}/health`);
    expect(run.stderr).to.match(/ECONNREFUSED/);
    expect(run.stdout).to.equal('');
  });

  it('reads STATUS_PORT from .env in the working directory, the environment winning', async () => {
    const port = await serve(new FakeStatusSource());
    writeFileSync(path.join(cwd, '.env'), `STATUS_HOST=127.0.0.1\nSTATUS_PORT=${port}\n`);
    expect((await runCli({}, cwd)).code).to.equal(0);
    const overridden = await runCli({ STATUS_PORT: '1' }, cwd);
    expect(overridden.code).to.equal(2);
    expect(overridden.stderr).to.include('http://127.0.0.1:1/health');
  });

  it('--json prints the raw report', async () => {
    const port = await serve(new FakeStatusSource());
    const run = await runCli({ STATUS_PORT: port }, cwd, ['--json']);
    expect(run.code).to.equal(0);
    expect(Object.keys(JSON.parse(run.stdout) as object)).to.include('overall_health');
  });

  it('resolves the target from STATUS_HOST/STATUS_PORT with defaults and wildcard hosts', () => {
    expect(statusTarget({}, false)).to.deep.equal({ baseUrl: 'http://127.0.0.1:8787/', token: '' });
    expect(statusTarget({ STATUS_HOST: '0.0.0.0', STATUS_PORT: '9000', STATUS_TOKEN: 't' }, false)).to.deep.equal({
      baseUrl: 'http://127.0.0.1:9000/',
      token: 't',
    });
    expect(statusTarget({ STATUS_HOST: '::' }, false).baseUrl).to.equal('http://[::1]:8787/');
  });
});
