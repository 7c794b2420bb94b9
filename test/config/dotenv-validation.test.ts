// `.env` is validated like the environment (issue 11): a typo, a line without "=" and an empty key
// are errors listed with the other bad settings (exit 2 from the real entry point), and a .env other
// users can read that holds a secret earns a chmod 600 warning. The process environment stays lenient.
import { expect } from 'chai';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/config/config-error.js';
import { didYouMean } from '../../src/config/did-you-mean.js';
import { loadConfig } from '../../src/config/load-config.js';
import { runBotToExit } from '../support/bot-entry.js';

/** Runs the built entry point in `cwd` with a clean environment; resolves when it exits. */
describe('.env validation', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'dotenv-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function envFile(text: string, mode = 0o600): string {
    const file = path.join(dir, '.env');
    writeFileSync(file, text);
    chmodSync(file, mode);
    return file;
  }

  function configErrorOf(file: string, env: Record<string, string> = {}): ConfigError {
    try {
      loadConfig(env, { dotenvPath: file, onWarning: () => undefined });
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      return err as ConfigError;
    }
    throw new Error('expected loadConfig to throw');
  }

  it('lists a typo with did-you-mean, a line without "=" and an empty key, with the other bad settings', () => {
    const file = envFile('# risk\nLEVRAGE=10\nLEVERAGE 10\n=oops\nMAX_OPEN_POSITIONS=zero\n');
    const err = configErrorOf(file);
    const lines = err.message.split('\n');
    expect(lines).to.include('  - LEVRAGE: unknown setting (did you mean LEVERAGE?)');
    expect(err.message).to.match(/line 3: no "="/);
    expect(err.message).to.match(/line 4: empty key/);
    expect(err.message).to.include('MAX_OPEN_POSITIONS="zero"');
    expect(err.message).to.match(/^invalid configuration \(4 problems\)/);
  });

  it('accepts comments, blank lines, export, quotes and multi-line quoted values', () => {
    const file = envFile(
      '# a comment\n\nexport LEVERAGE=7\nLOG_LEVEL="debug" # trailing comment\nSTALL_INJECT=""\nSIM_API_SECRET="line one\nline two"\n',
    );
    const cfg = loadConfig({}, { dotenvPath: file, onWarning: () => undefined });
    expect(cfg.leverage).to.equal(7);
    expect(cfg.logLevel).to.equal('debug');
    expect(cfg.simApiSecret).to.equal('line one\nline two');
  });

  it('names an unknown key without a guess when nothing is close, and ignores unknown names in the real environment', () => {
    expect(configErrorOf(envFile('TOTALLY_UNRELATED=1\n')).message).to.match(
      /^ {2}- TOTALLY_UNRELATED: unknown setting$/m,
    );
    expect(
      loadConfig({ HOME: '/root', NODE_OPTIONS: '', LEVRAGE: '3' }, { dotenvPath: envFile('LEVERAGE=2\n') }).leverage,
    ).to.equal(2);
  });

  it('suggests the nearest setting only for plausible typos', () => {
    const known = ['LEVERAGE', 'STATUS_TOKEN', 'STATUS_HOST', 'MAX_OPEN_POSITIONS'];
    expect(didYouMean('LEVRAGE', known)).to.equal('LEVERAGE');
    expect(didYouMean('leverage', known)).to.equal('LEVERAGE');
    expect(didYouMean('STATUS_TOKNE', known)).to.equal('STATUS_TOKEN');
    expect(didYouMean('MAX_OPEN_POSITION', known)).to.equal('MAX_OPEN_POSITIONS');
    expect(didYouMean('FOO', known)).to.equal(null);
  });

  it('warns with the chmod 600 fix when a .env holding a secret is readable by other users', () => {
    const warnings: string[] = [];
    const file = envFile('KUCOIN_API_SECRET=abc123\n', 0o644);
    loadConfig({}, { dotenvPath: file, onWarning: (w) => warnings.push(w) });
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include(`chmod 600 ${file}`);
    expect(warnings[0]).not.to.include('abc123');
    warnings.length = 0;
    chmodSync(file, 0o600);
    loadConfig({}, { dotenvPath: file, onWarning: (w) => warnings.push(w) });
    expect(warnings, 'owner-only').to.deep.equal([]);
    loadConfig({}, { dotenvPath: envFile('LEVERAGE=3\n', 0o644), onWarning: (w) => warnings.push(w) });
    expect(warnings, 'no secret in it').to.deep.equal([]);
  });

  it('makes the bot exit 2 listing every .env problem', async () => {
    envFile('LEVRAGE=10\nLEVERAGE 10\n=oops\n');
    const { code, output } = await runBotToExit(dir);
    expect(code, output).to.equal(2);
    expect(output).to.include('LEVRAGE: unknown setting (did you mean LEVERAGE?)');
    expect(output).to.match(/line 2: no "="/);
    expect(output).to.match(/line 3: empty key/);
  });

  it('makes the bot exit 2 when STATUS_HOST is off loopback without STATUS_TOKEN, naming both', async () => {
    const { code, output } = await runBotToExit(dir, { STATUS_HOST: '0.0.0.0' });
    expect(code, output).to.equal(2);
    expect(output).to.include('STATUS_HOST=0.0.0.0').and.include('STATUS_TOKEN');
  });
});
