// Live market data and user data over WebSocket (Binance streams). (Being built: see issue 5.)
import type { Database } from '@tradeloom/db';
import type { Clock, PlatformModule } from '@tradeloom/kernel';
import type { SpotService } from '@tradeloom/spot';

export interface MarketStreamDeps {
  database: Database;
  spot: SpotService;
  clock: Clock;
}

export function createMarketStreamModule(_deps: MarketStreamDeps): { module: PlatformModule } {
  return { module: { name: 'market-stream' } };
}
