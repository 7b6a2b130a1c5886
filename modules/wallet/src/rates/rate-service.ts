// Prices of assets in USDT: from the platform's own markets (the last trade of each, in exact
// fractions of the market's integer grid), through one other asset when there is no USDT market,
// else from an external price feed. Cached in wallet_rates, which the 'wallet-rates-refresh' job
// rewrites; readers take the table, so every process sees the same rates.
import type { Database } from '@tradeloom/db';
import { MoneyError, parseAmount } from '@tradeloom/money';
import type { PriceFeedAdapter } from './price-feed.js';
import {
  crossRate,
  invert,
  multiply,
  priceOfTicks,
  RATE_SCALE,
  type Ratio,
  rateToRatio,
  ratioToRate,
} from './rate-math.js';

/** The quote every stored rate is in. */
export const RATE_QUOTE = 'USDT';

export interface RateView {
  asset: string;
  quote: string;
  /** Whole quote units per whole asset unit, exact decimal string. */
  rate: string;
  source: string;
  updatedAt: string;
}

export interface RateService {
  /** Recomputes every rate from the markets (and the feed) and stores them. */
  refresh(): Promise<RateView[]>;
  /** The stored rates, converted to `quote` (default USDT); assets without a price are left out. */
  list(quote?: string): Promise<RateView[]>;
  /** The rate of one asset in `quote` (default USDT), or null when either has no price. */
  rateOf(asset: string, quote?: string): Promise<Ratio | null>;
  /** Every priced asset's rate in `quote` (the quote itself included at 1). */
  ratesIn(quote: string): Promise<Map<string, Ratio>>;
  /** Sets (or with null removes) the external price feed used for assets no market prices. */
  useFeed(feed: PriceFeedAdapter | null): void;
}

interface Candidate {
  ratio: Ratio;
  source: string;
  at: number;
}

const ONE: Ratio = { num: 1n, den: 1n };

interface MarketPrice {
  symbol: string;
  base: string;
  quote: string;
  price: Ratio;
  at: number;
}

export function createRateService(deps: { database: Database; nowMs: () => number }): RateService {
  const db = deps.database;
  let feed: PriceFeedAdapter | null = null;

  const lastPrices = async (): Promise<MarketPrice[]> => {
    const { rows } = await db.query(
      `SELECT m.symbol, m.base, m.quote, m.spec, ba.scale AS base_scale, qa.scale AS quote_scale,
              t.price_ticks::text AS price_ticks, t.at
         FROM ledger_markets m
         JOIN ledger_assets ba ON ba.asset = m.base
         JOIN ledger_assets qa ON qa.asset = m.quote
         JOIN LATERAL (SELECT price_ticks, at FROM ledger_trades
                        WHERE market_id = m.market_id ORDER BY trade_id DESC LIMIT 1) t ON true`,
    );
    return rows.map((r) => {
      const spec = (typeof r.spec === 'string' ? JSON.parse(r.spec) : r.spec) as {
        lotUnits: number;
        tickQuoteUnits: number;
      };
      return {
        symbol: String(r.symbol),
        base: String(r.base),
        quote: String(r.quote),
        price: priceOfTicks(BigInt(String(r.price_ticks)), {
          lotUnits: spec.lotUnits,
          tickQuoteUnits: spec.tickQuoteUnits,
          baseScale: Number(r.base_scale),
          quoteScale: Number(r.quote_scale),
        }),
        at: new Date(String(r.at)).getTime(),
      };
    });
  };

  const knownAssets = async (): Promise<string[]> => {
    const { rows } = await db.query(
      'SELECT code AS asset FROM wallet_assets UNION SELECT asset FROM ledger_assets ORDER BY 1',
    );
    return rows.map((r) => String(r.asset));
  };

  /** Keeps the candidate with the most recent trade. */
  const offer = (into: Map<string, Candidate>, asset: string, candidate: Candidate) => {
    const current = into.get(asset);
    if (current === undefined || candidate.at > current.at) into.set(asset, candidate);
  };

  const compute = async (): Promise<Map<string, Candidate>> => {
    const markets = await lastPrices();
    const direct = new Map<string, Candidate>();
    for (const m of markets) {
      if (m.quote === RATE_QUOTE && m.base !== RATE_QUOTE) {
        offer(direct, m.base, { ratio: m.price, source: `market:${m.symbol}`, at: m.at });
      } else if (m.base === RATE_QUOTE && m.quote !== RATE_QUOTE) {
        const inverse = invert(m.price);
        if (inverse !== null)
          offer(direct, m.quote, { ratio: inverse, source: `market:${m.symbol}`, at: m.at });
      }
    }
    // One hop: X/Y (or Y/X) where Y has a USDT price of its own.
    const hop = new Map<string, Candidate>();
    for (const m of markets) {
      const viaQuote = direct.get(m.quote);
      if (viaQuote !== undefined && !direct.has(m.base) && m.base !== RATE_QUOTE) {
        offer(hop, m.base, {
          ratio: multiply(m.price, viaQuote.ratio),
          source: `${viaQuote.source}+${m.symbol}`,
          at: Math.min(m.at, viaQuote.at),
        });
      }
      const viaBase = direct.get(m.base);
      const inverse = invert(m.price);
      if (viaBase !== undefined && inverse !== null && !direct.has(m.quote) && m.quote !== RATE_QUOTE) {
        offer(hop, m.quote, {
          ratio: multiply(inverse, viaBase.ratio),
          source: `${viaBase.source}+${m.symbol}`,
          at: Math.min(m.at, viaBase.at),
        });
      }
    }
    const out = new Map<string, Candidate>([...hop, ...direct]);
    out.set(RATE_QUOTE, { ratio: ONE, source: 'fixed', at: deps.nowMs() });
    if (feed !== null) {
      const missing = (await knownAssets()).filter((a) => !out.has(a));
      if (missing.length > 0) {
        const prices = await feed.pricesInUsdt(missing);
        for (const asset of missing) {
          const text = prices.get(asset);
          if (text === undefined) continue;
          // A feed is outside input: a malformed or over-precise price is skipped, never rounded.
          try {
            const units = parseAmount(text, RATE_SCALE);
            out.set(asset, {
              ratio: { num: units, den: 10n ** BigInt(RATE_SCALE) },
              source: `feed:${feed.name}`,
              at: deps.nowMs(),
            });
          } catch (error) {
            if (!(error instanceof MoneyError)) throw error;
          }
        }
      }
    }
    return out;
  };

  const stored = async (): Promise<Map<string, { ratio: Ratio; source: string; updatedAt: string }>> => {
    const { rows } = await db.query(
      'SELECT asset, rate, source, updated_at FROM wallet_rates WHERE quote = $1',
      [RATE_QUOTE],
    );
    const out = new Map<string, { ratio: Ratio; source: string; updatedAt: string }>();
    for (const r of rows) {
      out.set(String(r.asset), {
        ratio: rateToRatio(String(r.rate)),
        source: String(r.source),
        updatedAt: new Date(String(r.updated_at)).toISOString(),
      });
    }
    if (!out.has(RATE_QUOTE)) {
      out.set(RATE_QUOTE, { ratio: ONE, source: 'fixed', updatedAt: new Date(deps.nowMs()).toISOString() });
    }
    return out;
  };

  const ratesIn: RateService['ratesIn'] = async (quote) => {
    const all = await stored();
    const out = new Map<string, Ratio>();
    const q = all.get(quote);
    if (q === undefined) return out;
    for (const [asset, r] of all) {
      const cross = asset === quote ? ONE : crossRate(r.ratio, q.ratio);
      if (cross !== null) out.set(asset, cross);
    }
    return out;
  };

  return {
    useFeed(next) {
      feed = next;
    },

    async refresh() {
      const rates = await compute();
      const updatedAt = new Date(deps.nowMs()).toISOString();
      const views: RateView[] = [];
      await db.transaction(async (tx) => {
        for (const [asset, c] of rates) {
          const rate = ratioToRate(c.ratio);
          await tx.query(
            `INSERT INTO wallet_rates (asset, quote, rate, source, updated_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (asset, quote) DO UPDATE
               SET rate = EXCLUDED.rate, source = EXCLUDED.source, updated_at = EXCLUDED.updated_at`,
            [asset, RATE_QUOTE, rate, c.source, updatedAt],
          );
          views.push({ asset, quote: RATE_QUOTE, rate, source: c.source, updatedAt });
        }
      });
      return views.sort((a, b) => a.asset.localeCompare(b.asset));
    },

    async list(quote = RATE_QUOTE) {
      const all = await stored();
      const q = all.get(quote);
      if (q === undefined) return [];
      const views: RateView[] = [];
      for (const [asset, r] of all) {
        const cross = asset === quote ? ONE : crossRate(r.ratio, q.ratio);
        if (cross === null) continue;
        views.push({
          asset,
          quote,
          rate: ratioToRate(cross),
          source: quote === RATE_QUOTE ? r.source : `${r.source}/${q.source}`,
          updatedAt: [r.updatedAt, q.updatedAt].sort()[0] ?? r.updatedAt,
        });
      }
      return views.sort((a, b) => a.asset.localeCompare(b.asset));
    },

    async rateOf(asset, quote = RATE_QUOTE) {
      if (asset === quote) return ONE;
      return (await ratesIn(quote)).get(asset) ?? null;
    },

    ratesIn,
  };
}
