// The Binance-compatible spot API (/api/v3). (Being built: see issue 5.)
import type { Database } from '@tradeloom/db';
import type { Clock, PlatformModule, RateLimiter } from '@tradeloom/kernel';
import type { SpotService } from '@tradeloom/spot';
import type { WalletService } from '@tradeloom/wallet';

export interface BinanceDeps {
  database: Database;
  spot: SpotService;
  wallet: WalletService;
  rateLimiter: RateLimiter | null;
  clock: Clock;
}

export function createBinanceModule(_deps: BinanceDeps): { module: PlatformModule } {
  return { module: { name: 'binance' } };
}
