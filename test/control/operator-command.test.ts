import { expect } from 'chai';
import { parseCommand, parseCommandWords } from '../../src/control/operator-command.js';

describe('operator command parsing', () => {
  it('reads the words as typed after npm run ctl --', () => {
    expect(parseCommandWords(['pause'])).to.deep.equal({ ok: true, command: { kind: 'pause' } });
    expect(parseCommandWords(['resume'])).to.deep.equal({ ok: true, command: { kind: 'resume' } });
    expect(parseCommandWords(['status'])).to.deep.equal({ ok: true, command: { kind: 'status' } });
    expect(parseCommandWords(['close', 'all'])).to.deep.equal({ ok: true, command: { kind: 'close-all' } });
    expect(parseCommandWords(['close-all'])).to.deep.equal({ ok: true, command: { kind: 'close-all' } });
    expect(parseCommandWords(['close', 'xbtusdtm'])).to.deep.equal({
      ok: true,
      command: { kind: 'close', symbol: 'XBTUSDTM' },
    });
    expect(parseCommandWords(['breaker', 'reset'])).to.deep.equal({ ok: true, command: { kind: 'breaker-reset' } });
    expect(parseCommandWords(['breaker-reset'])).to.deep.equal({ ok: true, command: { kind: 'breaker-reset' } });
  });

  it('says what was wrong and lists the commands', () => {
    const problem = (words: string[]): string => {
      const r = parseCommandWords(words);
      if (r.ok) throw new Error(`parsed ${JSON.stringify(words)}`);
      return r.problem;
    };
    expect(problem([])).to.match(/no command given.*pause \| resume/);
    expect(problem(['close'])).to.match(/close needs a symbol/);
    expect(problem(['breaker'])).to.match(/breaker reset/);
    expect(problem(['pause', 'now'])).to.match(/unexpected 'now'/);
    expect(problem(['close', 'XBT/USDT'])).to.match(/symbol: a contract symbol/);
    expect(problem(['stop'])).to.match(/unknown command 'stop'/);
  });

  it('validates the JSON form the control socket receives', () => {
    expect(parseCommand({ kind: 'close', symbol: 'ETHUSDTM' }).ok).to.equal(true);
    expect(parseCommand({ kind: 'close' }).ok).to.equal(false);
    expect(parseCommand({ kind: 'launch' }).ok).to.equal(false);
    expect(parseCommand('pause').ok).to.equal(false);
  });
});
