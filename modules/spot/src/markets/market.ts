import type { MarketStatus } from '@tradeloom/engine';

/** A spot market: decimals as operators and clients see them, and the engine's grid. */
export interface SpotMarket {
  id: number;
  symbol: string;
  base: string;
  quote: string;
  basePrecision: number;
  quotePrecision: number;
  tickSize: string;
  lotSize: string;
  /** Base units per lot. */
  lotUnits: number;
  /** Quote units of one lot at a price of one tick. */
  tickQuoteUnits: number;
  minPrice: string;
  maxPrice: string;
  minQty: string;
  maxQty: string;
  minNotional: string;
  priceBandBps: number;
  maxNumOrders: number;
  maxNumStopOrders: number;
  /** Fee rates as decimals ("0.001" = 0.1%). */
  makerFee: string;
  takerFee: string;
  status: MarketStatus;
  sortOrder: number;
}
