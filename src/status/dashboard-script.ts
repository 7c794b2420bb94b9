// The dashboard's browser scripts as inline text. Their sources are real TypeScript in
// src/status/browser/, type-checked against the report and feed types by the browser build
// (`npm run build` runs it after the main one) into dist/browser/; the page inlines them as module
// scripts under the response's CSP nonce, so the page still loads nothing external.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** dist/browser/status/browser/, seen from this module's built place, dist/src/status/. */
const BUILT_DIR = new URL('../../browser/status/browser/', import.meta.url);

export type DashboardScriptName = 'dashboard' | 'suggestions-panel';

const cache = new Map<DashboardScriptName, string>();

/** The built script `name`, read once. Throws naming the file when the browser build is missing. */
export function dashboardScript(name: DashboardScriptName): string {
  let text = cache.get(name);
  if (text === undefined) {
    const file = fileURLToPath(new URL(`${name}.js`, BUILT_DIR));
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`dashboard script ${file} is missing: run npm run build (${(error as Error).message})`);
    }
    // Inlined into HTML: a closing script tag inside it would end the element early.
    if (/<\/script/i.test(text)) throw new Error(`dashboard script ${file} contains "</script": it cannot be inlined`);
    cache.set(name, text);
  }
  return text;
}
