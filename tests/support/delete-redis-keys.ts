import { Redis } from 'ioredis';

/** Deletes every key under `prefix` on the test Redis (tests leave nothing behind); returns how many. */
export async function deleteRedisKeys(prefix: string, url = 'redis://127.0.0.1:6379'): Promise<number> {
  if (prefix.length < 8) throw new Error(`refusing to delete keys under the short prefix '${prefix}'`);
  const redis = new Redis(url);
  try {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    redis.disconnect();
  }
}
