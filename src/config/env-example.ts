// Renders `.env.example` from the schema so the example can never disagree with the defaults
// (the original project shipped one that did).
import { CONFIG_SCHEMA, type ConfigKey } from '../../config/schema.js';

export function renderEnvExample(): string {
  const lines = [
    '# Every setting the bot reads, with its default. Copy to .env and change what you need.',
    '# Generated from config/schema.ts by `npm run config:example`; a test fails if they disagree.',
  ];
  let group = '';
  for (const key of Object.keys(CONFIG_SCHEMA) as ConfigKey[]) {
    const spec = CONFIG_SCHEMA[key];
    if (spec.group !== group) {
      group = spec.group;
      lines.push('', `# --- ${group} ---`);
    }
    lines.push(`# ${spec.doc}. Allowed: ${spec.format.allowed}.`);
    lines.push(`${spec.env}=${String(spec.default)}`);
  }
  return `${lines.join('\n')}\n`;
}
