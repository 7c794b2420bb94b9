// Reads a V8 .cpuprofile (what Chrome DevTools loads): checks its shape and totals self time per
// function, for the table `npm run profile` prints.
export interface CpuProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
    readonly columnNumber?: number;
  };
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  /** µs between consecutive samples. */
  readonly timeDeltas: readonly number[];
}

export interface SelfTimeRow {
  readonly functionName: string;
  /** url:line (1-based), or the V8 pseudo-frame's name. */
  readonly location: string;
  readonly selfMs: number;
  /** Share of all sampled time, 0..100. */
  readonly percent: number;
}

/** Parses and checks a .cpuprofile; throws naming what is missing. */
export function parseCpuProfile(text: string): CpuProfile {
  const value = JSON.parse(text) as Partial<CpuProfile>;
  for (const key of ['nodes', 'samples', 'timeDeltas'] as const) {
    if (!Array.isArray(value[key])) throw new Error(`not a CPU profile: "${key}" is missing or not an array`);
  }
  if (value.samples?.length !== value.timeDeltas?.length)
    throw new Error('not a CPU profile: samples and timeDeltas differ in length');
  return value as CpuProfile;
}

/** The `limit` functions with the most self time, most first. */
export function topSelfTime(profile: CpuProfile, limit = 15): SelfTimeRow[] {
  const byNode = new Map<number, CpuProfileNode>();
  for (const node of profile.nodes) byNode.set(node.id, node);
  const selfUs = new Map<string, { functionName: string; location: string; us: number }>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = Math.max(0, profile.timeDeltas[i] ?? 0);
    total += us;
    const node = byNode.get(id);
    if (!node) return;
    const f = node.callFrame;
    const functionName = f.functionName || (f.url ? '(anonymous)' : '(program)');
    const location = f.url ? `${shortUrl(f.url)}:${f.lineNumber + 1}` : '';
    const key = `${functionName}\u0000${location}`;
    const row = selfUs.get(key) ?? { functionName, location, us: 0 };
    row.us += us;
    selfUs.set(key, row);
  });
  return [...selfUs.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, limit)
    .map((r) => ({
      functionName: r.functionName,
      location: r.location,
      selfMs: r.us / 1000,
      percent: total > 0 ? (r.us / total) * 100 : 0,
    }));
}

/** The table as text: self ms, share, function, where. */
export function formatSelfTimeTable(rows: readonly SelfTimeRow[]): string {
  const lines = ['  self ms      %  function (location)'];
  for (const r of rows) {
    lines.push(
      `${r.selfMs.toFixed(1).padStart(9)} ${r.percent.toFixed(1).padStart(6)}  ${r.functionName}${r.location ? ` (${r.location})` : ''}`,
    );
  }
  return lines.join('\n');
}

function shortUrl(url: string): string {
  const dist = url.lastIndexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 6);
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + 1);
  return url.replace(/^file:\/\//, '');
}
