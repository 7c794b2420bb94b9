import { existsSync, readFileSync } from 'node:fs';

/** A log file's text, or '' while it does not exist yet. */
export function readText(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** The JSON lines of a winston file log that parse as objects (a line being written may not yet). */
export function jsonLines(file: string): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  for (const line of readText(file).split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null && !Array.isArray(value))
        records.push(value as Record<string, unknown>);
    } catch {
      // partial last line
    }
  }
  return records;
}
