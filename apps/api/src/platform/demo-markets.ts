import type { MarketSpec } from '@tradeloom/engine';

/** A demo market with the decimal grid it is shown in. */
export interface DemoMarket {
  spec: MarketSpec;
  tick: string;
  lot: string;
  baseScale: number;
  quoteScale: number;
  /** Mid price in ticks around which the demo ladder is placed, and the ladder's step in ticks. */
  midTicks: number;
  stepTicks: number;
}

const filters = {
  minPrice: 1,
  maxPrice: 100_000_000,
  minQty: 1,
  maxQty: 1_000_000,
  minNotional: 5_000_000,
  priceBandBps: 2_000,
  maxNumOrders: 200,
  maxNumStopOrders: 10,
};

/** Assets of the demo with their scales (smallest units per whole unit = 10^scale). */
export const demoAssets = [
  { asset: 'BTC', scale: 8 },
  { asset: 'ETH', scale: 8 },
  { asset: 'USDT', scale: 6 },
] as const;

/** BTC/USDT and ETH/USDT with a 0.01 USDT tick and a 0.1% maker and taker fee. */
export const demoMarkets: readonly DemoMarket[] = [
  {
    // lot 0.0001 BTC (10,000 sat) x tick 0.01 USDT = 0.000001 USDT = 1 unit
    spec: {
      id: 1,
      symbol: 'BTCUSDT',
      base: 'BTC',
      quote: 'USDT',
      lotUnits: 10_000,
      tickQuoteUnits: 1,
      filters,
      fees: { makerPpm: 1_000, takerPpm: 1_000 },
      status: 'TRADING',
    },
    tick: '0.01',
    lot: '0.0001',
    baseScale: 8,
    quoteScale: 6,
    midTicks: 5_000_000,
    stepTicks: 500,
  },
  {
    // lot 0.001 ETH x tick 0.01 USDT = 0.00001 USDT = 10 units
    spec: {
      id: 2,
      symbol: 'ETHUSDT',
      base: 'ETH',
      quote: 'USDT',
      lotUnits: 100_000,
      tickQuoteUnits: 10,
      filters: { ...filters, maxPrice: 10_000_000 },
      fees: { makerPpm: 1_000, takerPpm: 1_000 },
      status: 'TRADING',
    },
    tick: '0.01',
    lot: '0.001',
    baseScale: 8,
    quoteScale: 6,
    midTicks: 300_000,
    stepTicks: 100,
  },
];
