// The layering rules as a test (docs/ARCHITECTURE.md): the production folders (src/<folder>, workers,
// supervisor, config) import one another one way only, and the generic resilience toolkit knows
// nothing about KuCoin (error codes and pool quotas are passed in from src/exchange). It reads the
// TypeScript sources, not the build: a small regex over the import specifiers is enough, because
// every import in this repository is a static `from '...'`, a side-effect `import '...'` or an
// `import('...')`, and only relative specifiers can reach another folder.
import { expect } from 'chai';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../support/repo-root.js';

const ROOT = repoRoot();
const TOP_FOLDERS = ['workers', 'supervisor', 'config'];

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;

/** The folder a file belongs to: 'src/<name>' for sources, else its top folder. */
function folderOf(relFile: string): string | undefined {
  const parts = relFile.split('/');
  if (parts[0] === 'src' && parts.length > 2) return `src/${parts[1]}`;
  if (TOP_FOLDERS.includes(parts[0] ?? '') && parts.length > 1) return parts[0];
  return undefined;
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...tsFiles(full));
    else if (name.endsWith('.ts')) out.push(full);
  }
  return out;
}

/** Folder -> the other folders it imports, with one example file per edge for the message. */
function folderGraph(root: string): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  const dirs = [path.join(root, 'src'), ...TOP_FOLDERS.map((f) => path.join(root, f))];
  for (const file of dirs.flatMap(tsFiles)) {
    const rel = path.relative(root, file).split(path.sep).join('/');
    const from = folderOf(rel);
    if (from === undefined) continue;
    const edges = graph.get(from) ?? new Map<string, string>();
    graph.set(from, edges);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = match[1] ?? '';
      if (!spec.startsWith('.')) continue;
      const target = path
        .relative(root, path.resolve(path.dirname(file), spec))
        .split(path.sep)
        .join('/');
      const to = folderOf(target);
      if (to !== undefined && to !== from && !edges.has(to)) edges.set(to, `${rel} -> ${spec}`);
    }
  }
  return graph;
}

/** Strongly connected sets of two or more folders (Tarjan), each sorted. */
function cycles(graph: Map<string, Map<string, string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    for (;;) {
      const w = stack.pop() as string;
      onStack.delete(w);
      scc.push(w);
      if (w === v) break;
    }
    if (scc.length > 1) found.push(scc.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

/** One concrete loop inside a strongly connected set, with the import that makes each step. */
function describeCycle(graph: Map<string, Map<string, string>>, scc: string[]): string {
  const members = new Set(scc);
  const start = scc[0] as string;
  const pathTo = (goal: string): string[] => {
    const previous = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0) {
      const v = queue.shift() as string;
      for (const w of graph.get(v)?.keys() ?? []) {
        if (!members.has(w) || previous.has(w)) continue;
        previous.set(w, v);
        if (w === goal) {
          const steps = [w];
          while (steps[0] !== start || steps.length === 1) steps.unshift(previous.get(steps[0] as string) as string);
          return steps;
        }
        queue.push(w);
      }
    }
    return [start];
  };
  const loop = pathTo(start);
  const steps = loop.slice(1).map((to, i) => `  ${loop[i]} -> ${to} (${graph.get(loop[i] as string)?.get(to)})`);
  return `${loop.join(' -> ')} (cycle among ${scc.join(', ')})\n${steps.join('\n')}`;
}

describe('layering of the production folders', () => {
  const graph = folderGraph(ROOT);

  it('reads a graph that covers the folders (the regex finds imports)', () => {
    expect([...graph.keys()]).to.include.members(['src/resilience', 'src/exchange', 'workers', 'supervisor', 'config']);
    expect([...(graph.get('supervisor')?.keys() ?? [])]).to.include('src/supervision');
  });

  it('has no folder-level import cycle', () => {
    expect(
      cycles(graph).map((scc) => describeCycle(graph, scc)),
      'folder import cycles',
    ).to.deep.equal([]);
  });

  it('keeps the resilience toolkit free of KuCoin: src/resilience imports nothing from src/exchange', () => {
    const edge = graph.get('src/resilience')?.get('src/exchange');
    expect(edge, `src/resilience imports src/exchange (${edge})`).to.equal(undefined);
  });

  it('keeps the resilience toolkit generic: src/resilience imports no other folder at all', () => {
    const edges = [...(graph.get('src/resilience') ?? new Map<string, string>()).values()];
    expect(edges, 'imports from src/resilience into other folders').to.deep.equal([]);
  });
});
