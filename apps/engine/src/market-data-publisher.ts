// The engine process's market-data publisher (server mode): with REDIS_URL set, the market data of
// every durable command goes out on the deployment's Redis channel (REDIS_KEY_PREFIX, default 'tl'),
// where the API processes' stream gateways follow it. See docs/architecture.md, "Live market data".
import { publishMarketDataToRedis } from '@tradeloom/market-stream';
import type { EngineHost } from './engine-host.js';

/** Starts publishing when REDIS_URL is set; returns how to stop it, or null when there is no Redis. */
export async function startMarketDataPublisher(
  host: EngineHost,
  env: Record<string, string | undefined> = process.env,
): Promise<(() => Promise<void>) | null> {
  const redisUrl = env.REDIS_URL;
  if (redisUrl === undefined || redisUrl === '') return null;
  const publishing = await publishMarketDataToRedis(host, {
    redisUrl,
    keyPrefix: env.REDIS_KEY_PREFIX || 'tl',
    onError: (error) => process.stderr.write(`market-data publisher: ${String(error)}\n`),
  });
  return () => publishing.close();
}
