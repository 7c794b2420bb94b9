// Reads `.env` as strictly as the environment is validated: a key the schema does not know (a typo
// such as LEVRAGE) or a line dotenv would silently skip (no `=`, an empty key) is a problem to
// report, not a setting to drop while the bot trades on the default. Only the file is this strict:
// the process environment holds many variables that are none of our business.
import { readFileSync, statSync } from 'node:fs';
import dotenv from 'dotenv';
import { didYouMean } from './did-you-mean.js';

export interface DotenvCheck {
  /** The key=value pairs, parsed by dotenv (quotes, comments and multi-line values as it defines them). */
  readonly values: Record<string, string>;
  /** Errors, one line each, naming the key or the line number. */
  readonly problems: readonly string[];
  /** Start anyway, but say so (a secret in a file other users can read). */
  readonly warnings: readonly string[];
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Line-by-line structure problems: what dotenv.parse would skip without a word. */
export function dotenvLineProblems(text: string, fileLabel: string): string[] {
  const problems: string[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  let openQuote: string | null = null;
  lines.forEach((line, index) => {
    const n = index + 1;
    if (openQuote !== null) {
      // Inside a multi-line quoted value: it ends on the line that closes the quote.
      if (line.includes(openQuote)) openQuote = null;
      return;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const body = trimmed.replace(/^export\s+/, '');
    const eq = body.indexOf('=');
    if (eq < 0) {
      problems.push(`${fileLabel} line ${n}: no "=" (write KEY=value)`);
      return;
    }
    const key = body.slice(0, eq).trim();
    if (key === '') {
      problems.push(`${fileLabel} line ${n}: empty key before "=" (write KEY=value)`);
      return;
    }
    if (!KEY.test(key)) {
      problems.push(`${fileLabel} line ${n}: "${key}" is not a setting name (letters, digits and _ only)`);
      return;
    }
    const value = body.slice(eq + 1).trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'" || quote === '`') && !value.slice(1).includes(quote)) openQuote = quote;
  });
  return problems;
}

/**
 * Parses and checks the file. `known` are the schema's env names; `sensitive` those holding secrets
 * (a file with one of them set, readable by group or others, earns a warning with the fix).
 */
export function checkDotenvFile(path: string, known: readonly string[], sensitive: readonly string[]): DotenvCheck {
  const text = readFileSync(path, 'utf8');
  const values = dotenv.parse(text);
  const problems = dotenvLineProblems(text, path);
  for (const key of Object.keys(values)) {
    if (known.includes(key)) continue;
    const guess = didYouMean(key, known);
    problems.push(`${key}: unknown setting${guess !== null ? ` (did you mean ${guess}?)` : ''}`);
  }
  const warnings: string[] = [];
  const holdsSecret = sensitive.some((k) => (values[k] ?? '').trim() !== '');
  if (holdsSecret && process.platform !== 'win32' && (statSync(path).mode & 0o044) !== 0) {
    warnings.push(`${path} holds secrets and is readable by other users: run chmod 600 ${path}`);
  }
  return { values, problems, warnings };
}
