import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import sinon from 'sinon';
import winston from 'winston';
import { createLogger } from '../../src/log/logger.js';
import { createRedactor, REDACTION } from '../../src/log/redact.js';

const SECRET = 'sup3r-s3cret-api-value';
const PASSPHRASE = 'my-passphrase-9876';

function finished(logger: winston.Logger): Promise<void> {
  const file = logger.transports.find((t) => t instanceof winston.transports.File);
  return new Promise((resolve) => {
    if (file) file.once('finish', () => resolve());
    else logger.once('finish', () => resolve());
    logger.end();
  });
}

describe('logging', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'log-'));
  });
  afterEach(() => {
    sinon.restore();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never writes a configured secret to the console or the JSON file, even inside errors', async () => {
    const consoleOut: string[] = [];
    const realWrite = process.stdout.write.bind(process.stdout);
    sinon.stub(process.stdout, 'write').callsFake((chunk: string | Uint8Array) => {
      consoleOut.push(String(chunk));
      return true;
    });
    sinon.stub(process.stderr, 'write').callsFake((chunk: string | Uint8Array) => {
      consoleOut.push(String(chunk));
      return true;
    });
    const logger = createLogger({ level: 'debug', logDir: dir, secrets: [SECRET, PASSPHRASE], component: 'test' });
    const cause = new Error(`upstream said passphrase=${PASSPHRASE}`);
    const err = new Error(`signing failed with ${SECRET}`, { cause });
    Object.assign(err, { request: { headers: { 'KC-API-SIGN': SECRET } } });

    logger.info(`plain message with ${SECRET}`);
    logger.warn('meta leak', { apiSecret: SECRET, nested: { list: [PASSPHRASE] } });
    logger.error('call failed', err);
    logger.error(err);
    logger.error('wrapped', { error: err });
    logger.debug('splat %s and %s', SECRET, PASSPHRASE);
    await finished(logger);
    sinon.restore();
    void realWrite;

    const consoleText = consoleOut.join('');
    const fileText = readFileSync(path.join(dir, 'bot.log'), 'utf8');
    for (const [name, text] of [
      ['console', consoleText],
      ['file', fileText],
    ] as const) {
      expect(text, name).not.to.include(SECRET);
      expect(text, name).not.to.include(PASSPHRASE);
      expect(text, name).to.include(REDACTION);
      expect(text, name).to.include('signing failed with');
    }
    const lines = fileText
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).to.have.length(6);
    expect(lines.every((l) => typeof l['timestamp'] === 'string' && l['component'] === 'test')).to.equal(true);
    expect(fileText).to.include(`upstream said passphrase=${REDACTION}`);
  });

  it('redactor leaves values without secrets alone and survives cycles', () => {
    const redact = createRedactor([SECRET]);
    const obj: Record<string, unknown> = { a: 1, b: 'ok', c: [SECRET] };
    obj['self'] = obj;
    const out = redact(obj) as Record<string, unknown>;
    expect(out['a']).to.equal(1);
    expect(out['b']).to.equal('ok');
    expect(out['c']).to.deep.equal([REDACTION]);
    expect(out['self']).to.equal(out);
  });

  it('ignores secrets too short to redact safely', () => {
    const redact = createRedactor(['', 'ab']);
    expect(redact('abc ab')).to.equal('abc ab');
  });

  it('writes human lines to the console transport', async () => {
    const chunks: string[] = [];
    const sink = new winston.transports.Stream({
      stream: new Writable({
        write(chunk, _enc, cb) {
          chunks.push(String(chunk));
          cb();
        },
      }),
    });
    const logger = createLogger({ console: false, transports: [sink], secrets: [SECRET] });
    logger.info('hello', { n: 1 });
    await finished(logger);
    expect(chunks.join('')).to.include('hello');
  });
});

describe('console format', () => {
  it('pretty shows only errors on the console unless LOG_LEVEL=debug; json follows LOG_LEVEL', async () => {
    const { consoleLevel } = await import('../../src/log/logger.js');
    expect(consoleLevel('pretty', 'info')).to.equal('error');
    expect(consoleLevel('pretty', 'warn')).to.equal('error');
    expect(consoleLevel('pretty', 'debug')).to.equal('debug');
    expect(consoleLevel('json', 'info')).to.equal('info');
  });

  it('leaves the time off pretty console lines under pm2, which stamps every line itself', async () => {
    const { runningUnderPm2 } = await import('../../src/log/logger.js');
    expect(runningUnderPm2({ pm_id: '0' })).to.equal(true);
    expect(runningUnderPm2({})).to.equal(false);
    const chunks: string[] = [];
    const sink = new winston.transports.Stream({
      stream: new Writable({
        write(chunk, _enc, cb) {
          chunks.push(String(chunk));
          cb();
        },
      }),
    });
    const logger = createLogger({ console: false, transports: [sink], consoleTimestamp: false });
    logger.error('no stamp here');
    await finished(logger);
    expect(chunks.join('')).to.match(/^error: no stamp here/);
  });

  it('person lines: plain text in pretty, one JSON object marked console:true in json, secrets scrubbed', async () => {
    const { createConsoleLines } = await import('../../src/log/console-lines.js');
    const out: string[] = [];
    const pretty = createConsoleLines({
      format: 'pretty',
      secrets: [SECRET],
      stdout: (c) => out.push(c),
      stderr: (c) => out.push(c),
    });
    pretty(`TRADE OPENED X ${SECRET}`);
    expect(out[0]).to.equal(`TRADE OPENED X ${REDACTION}\n`);
    const json = createConsoleLines({ format: 'json', stdout: (c) => out.push(c), clock: { now: () => 0 } });
    json('SUMMARY up 1s');
    expect(JSON.parse(out[1]!)).to.deep.equal({
      timestamp: '1970-01-01T00:00:00.000Z',
      level: 'info',
      message: 'SUMMARY up 1s',
      console: true,
    });
  });
});
