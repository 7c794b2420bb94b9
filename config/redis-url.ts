// REDIS_URL's grammar, shared by the schema and the connection (src/cluster/redis-connection.ts).

/** The URL, or a RangeError naming what is wrong. */
export function parseRedisUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RangeError(`REDIS_URL must be a redis:// URL, got ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new RangeError(`REDIS_URL must start with redis:// or rediss://, got ${parsed.protocol}//`);
  }
  return parsed;
}
