// The .cpuprofile reader behind `npm run profile`'s table, and the CLI's argument checks.
import { expect } from 'chai';
import { formatSelfTimeTable, parseCpuProfile, topSelfTime } from '../../src/perf/cpu-profile-summary.js';
import { parseProfileArgs } from '../../src/perf/profile-cli.js';

const frame = (functionName: string, url = '', lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
  scriptId: '0',
  columnNumber: 0,
});
const profile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 3] },
    { id: 2, callFrame: frame('scanOnce', 'file:///app/dist/src/scanner/market-scanner.js', 41), children: [] },
    { id: 3, callFrame: frame('', 'file:///app/dist/src/strategy/x.js', 9), children: [] },
  ],
  startTime: 0,
  endTime: 10_000,
  samples: [2, 2, 3, 1],
  timeDeltas: [4000, 2000, 3000, 1000],
};

describe('CPU profile summary', () => {
  it('totals self time per function, most first, with shares and 1-based lines', () => {
    const rows = topSelfTime(parseCpuProfile(JSON.stringify(profile)), 15);
    expect(rows.map((r) => [r.functionName, r.location, r.selfMs, r.percent])).to.deep.equal([
      ['scanOnce', 'src/scanner/market-scanner.js:42', 6, 60],
      ['(anonymous)', 'src/strategy/x.js:10', 3, 30],
      ['(root)', '', 1, 10],
    ]);
    expect(topSelfTime(profile, 1)).to.have.length(1);
    expect(formatSelfTimeTable(rows)).to.match(/6\.0\s+60\.0\s+scanOnce \(src\/scanner\/market-scanner\.js:42\)/);
  });

  it('refuses what is not a CPU profile', () => {
    expect(() => parseCpuProfile('{"nodes":[],"samples":[]}')).to.throw(/"timeDeltas" is missing/);
    expect(() => parseCpuProfile('{"nodes":[],"samples":[1],"timeDeltas":[]}')).to.throw(/differ in length/);
  });

  it('checks the CLI arguments', () => {
    expect(parseProfileArgs(['--thread', 'scanner', '--seconds', '5'])).to.deep.equal({
      thread: 'scanner',
      seconds: 5,
      heap: false,
      url: undefined,
    });
    expect(parseProfileArgs(['--thread', 'order-executor', '--heap'])).to.include({ heap: true });
    expect(() => parseProfileArgs(['--seconds', '5'])).to.throw(/--thread is required/);
    expect(() => parseProfileArgs(['--thread', 'scanner', '--seconds', '0'])).to.throw(/--seconds must be/);
    expect(() => parseProfileArgs(['--thread', 'scanner', '--verbose'])).to.throw(/unknown argument '--verbose'/);
  });
});
