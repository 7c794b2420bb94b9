// `npm run test:unit` runs .mocharc.unit.json: the full suite minus every file that starts a process
// (the bot, a CLI, pm2, Chromium, redis-server, mount) and minus the e2e/ and chaos/ folders. Its ignore
// list is written by hand, so this test keeps it honest in both directions, from the compiled files
// mocha actually loads: no unit file reaches a process-starting module through its imports, no file is
// excluded without such a reason, no ignore entry is stale, and no test file is missed by both suites.
import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from '../support/repo-root.js';

/** Modules whose import means the file can start another process. */
const PROCESS_MODULES = new Set([
  'child_process',
  'node:child_process',
  'cluster',
  'node:cluster',
  'pm2',
  'playwright-core',
]);
/** Folders left out of the unit suite whatever they import: whole-bot and fault-injection runs. */
const SLOW_FOLDERS = ['e2e', 'chaos'];

interface SuiteConfig {
  spec: string[];
  ignore: string[];
}

type CollectFiles = (options: {
  spec: string[];
  ignore: string[];
  extension: string[];
  file: string[];
  recursive: boolean;
  sort: boolean;
  allowEmpty: boolean;
}) => { files: string[] };

const root = repoRoot();
// mocha's own file collection (glob + ignore matching), so this test sees exactly the files a run loads.
const collectFiles = createRequire(import.meta.url)('mocha/lib/cli/collect-files.cjs') as CollectFiles;

function strings(value: unknown, field: string, file: string): string[] {
  const list = typeof value === 'string' ? [value] : value === undefined ? [] : value;
  if (!Array.isArray(list) || !list.every((v): v is string => typeof v === 'string')) {
    throw new Error(`${file}: "${field}" must be a string or a list of strings`);
  }
  return list;
}

function readConfig(name: string): SuiteConfig {
  const raw: unknown = JSON.parse(readFileSync(path.join(root, name), 'utf8'));
  if (typeof raw !== 'object' || raw === null) throw new Error(`${name}: not a JSON object`);
  const r = raw as Record<string, unknown>;
  return { spec: strings(r['spec'], 'spec', name), ignore: strings(r['ignore'], 'ignore', name) };
}

function filesOf(config: SuiteConfig): string[] {
  const abs = (p: string): string => path.join(root, p);
  return collectFiles({
    spec: config.spec.map(abs),
    ignore: config.ignore.map(abs),
    extension: ['js'],
    file: [],
    recursive: true,
    sort: true,
    allowEmpty: true,
  }).files;
}

const rel = (file: string): string => path.relative(root, file);

// Static and dynamic imports, re-exports, and worker scripts named by `new URL('./x.js', import.meta.url)`.
const REFERENCE =
  /\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(?\s*['"]([^'"]+)['"]|new URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url/g;

/** The import chain from `file` to a process-starting module, or null when there is none. */
function processChain(file: string, memo: Map<string, string[] | null>, visiting = new Set<string>()): string[] | null {
  const known = memo.get(file);
  if (known !== undefined) return known;
  if (visiting.has(file)) return null;
  visiting.add(file);
  let chain: string[] | null = null;
  for (const m of readFileSync(file, 'utf8').matchAll(REFERENCE)) {
    const specifier = m[1] ?? m[2] ?? m[3] ?? '';
    if (PROCESS_MODULES.has(specifier)) {
      chain = [specifier];
      break;
    }
    if (!specifier.startsWith('.')) continue;
    const target = path.resolve(path.dirname(file), specifier);
    if (!target.endsWith('.js') || !existsSync(target)) continue;
    const rest = processChain(target, memo, visiting);
    if (rest) {
      chain = [rel(target), ...rest];
      break;
    }
  }
  visiting.delete(file);
  memo.set(file, chain);
  return chain;
}

const inSlowFolder = (file: string): boolean =>
  SLOW_FOLDERS.some((folder) => rel(file).startsWith(`dist/test/${folder}/`));

describe('unit suite (.mocharc.unit.json)', () => {
  const full = readConfig('.mocharc.json');
  const unit = readConfig('.mocharc.unit.json');
  const fullFiles = filesOf(full);
  const unitFiles = filesOf(unit);
  const memo = new Map<string, string[] | null>();

  it('runs only files the full suite runs too, and leaves some out', () => {
    expect(unitFiles.filter((f) => !fullFiles.includes(f)).map(rel)).to.deep.equal([]);
    expect(unitFiles.length).to.be.greaterThan(0);
    expect(unitFiles.length).to.be.lessThan(fullFiles.length);
  });

  it('starts no process: no unit file reaches child_process, cluster, pm2 or Chromium, and none is e2e or chaos', () => {
    const offenders = unitFiles.flatMap((f) => {
      if (inSlowFolder(f)) return [`${rel(f)} (slow folder)`];
      const chain = processChain(f, memo);
      return chain ? [`${rel(f)} -> ${chain.join(' -> ')} (add it to "ignore" in .mocharc.unit.json)`] : [];
    });
    expect(offenders).to.deep.equal([]);
  });

  it('excludes a file only when it starts a process or sits in a slow folder', () => {
    const unjustified = fullFiles
      .filter((f) => !unitFiles.includes(f) && !inSlowFolder(f) && processChain(f, memo) === null)
      .map((f) => `${rel(f)} (remove it from "ignore" in .mocharc.unit.json)`);
    expect(unjustified).to.deep.equal([]);
  });

  it('has no stale ignore entries: each one leaves out at least one file', () => {
    const everything = filesOf({ spec: unit.spec, ignore: [] }).length;
    const stale = unit.ignore.filter(
      (pattern) => filesOf({ spec: unit.spec, ignore: [pattern] }).length === everything,
    );
    expect(stale).to.deep.equal([]);
  });

  it('misses no test file: every compiled file that declares a suite is in the full suite', () => {
    const testDir = path.join(root, 'dist', 'test');
    const declaring = readdirSync(testDir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.js'))
      .map((f) => path.join(testDir, f))
      .filter((f) => /^\s*describe(?:\.only|\.skip)?\(/m.test(readFileSync(f, 'utf8')));
    expect(declaring.filter((f) => !fullFiles.includes(f)).map(rel)).to.deep.equal([]);
  });
});
