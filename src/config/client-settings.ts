// The command-line clients (npm run status | ctl | profile) find the running bot the way it reads its
// settings: the environment over `.env`, an empty or unset setting meaning the schema default. They
// do not validate (the bot did at start, and a client must still reach it); they need where to knock.
import { existsSync, readFileSync } from 'node:fs';
import dotenv from 'dotenv';
import { CONFIG_SCHEMA, type ConfigKey } from '../../config/schema.js';

/** Reads one setting as text, trimmed; `dotenvPath` false reads no file. */
export function clientSettings(env: NodeJS.ProcessEnv, dotenvPath: string | false): (key: ConfigKey) => string {
  const fromFile = dotenvPath !== false && existsSync(dotenvPath) ? dotenv.parse(readFileSync(dotenvPath)) : {};
  return (key) => {
    const spec = CONFIG_SCHEMA[key];
    return (env[spec.env] ?? fromFile[spec.env] ?? '').trim() || String(spec.default);
  };
}
