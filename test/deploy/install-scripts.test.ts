// Dependencies (issue 11): no install script runs unless package.json's allowScripts approves it, and
// every approval names a package that really has one (a stale approval would silently let a future
// version of that name run code at install). Read from the committed lockfile, so it holds on a
// fresh clone without touching the network.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../support/repo-root.js';

interface LockPackage {
  readonly version?: string;
  readonly hasInstallScript?: boolean;
}

describe('install scripts', () => {
  const root = repoRoot();
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    allowScripts?: Record<string, boolean>;
  };
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockPackage>;
  };
  const withScripts = Object.entries(lock.packages)
    .filter(([, p]) => p.hasInstallScript === true)
    .map(([where]) => where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length));

  it('approves exactly the dependencies that have install scripts', () => {
    const approved = Object.entries(manifest.allowScripts ?? {})
      .filter(([, allowed]) => allowed)
      .map(([name]) => name);
    expect([...new Set(withScripts)].sort()).to.deep.equal(approved.sort());
  });
});
