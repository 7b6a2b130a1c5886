// Live balances from the engine (not the read model: a balance shown right after a transfer must
// include it), per wallet type and asset, valued in a quote currency at the cached rates.
import { DomainError } from '@tradeloom/kernel';
import { formatAmount } from '@tradeloom/money';
import { valueInQuote } from '../rates/rate-math.js';
import { RATE_QUOTE, type RateService } from '../rates/rate-service.js';
import type { WalletContext } from '../wallet-context.js';
import { assetScales } from './asset-scales.js';

export interface BalanceLine {
  wallet: string;
  asset: string;
  available: string;
  held: string;
  total: string;
  /** The total in the quote currency; null when the asset has no price. */
  value: string | null;
}

export interface BalancesView {
  quote: string;
  /** Sum of the priced lines. */
  totalValue: string;
  /** Assets held without a price (left out of totalValue). */
  unpricedAssets: string[];
  balances: BalanceLine[];
}

export interface BalanceService {
  balances(userId: string, quote?: string): Promise<BalancesView>;
}

export function createBalanceService(ctx: WalletContext, rates: RateService): BalanceService {
  return {
    async balances(userId, quote = RATE_QUOTE) {
      const scales = await assetScales(ctx.database);
      const quoteScale = scales.get(quote);
      if (quoteScale === undefined) throw new DomainError('WALLET_ASSET_NOT_FOUND', `No asset ${quote}`);
      const rows = await ctx.engine.balances(await ctx.engineAccountOf(userId));
      const rateOf = await rates.ratesIn(quote);
      let totalValue = 0n;
      const unpriced = new Set<string>();
      const balances: BalanceLine[] = [];
      for (const row of rows) {
        const scale = scales.get(row.asset) ?? (await ctx.assets.getAsset(row.asset)).precision;
        const total = BigInt(row.available) + BigInt(row.held);
        const rate = rateOf.get(row.asset);
        let value: string | null = null;
        if (rate === undefined) {
          unpriced.add(row.asset);
        } else {
          const units = valueInQuote(total, scale, rate, quoteScale);
          totalValue += units;
          value = formatAmount(units, quoteScale);
        }
        balances.push({
          wallet: row.wallet,
          asset: row.asset,
          available: formatAmount(BigInt(row.available), scale),
          held: formatAmount(BigInt(row.held), scale),
          total: formatAmount(total, scale),
          value,
        });
      }
      balances.sort((a, b) => a.wallet.localeCompare(b.wallet) || a.asset.localeCompare(b.asset));
      return {
        quote,
        totalValue: formatAmount(totalValue, quoteScale),
        unpricedAssets: [...unpriced].sort(),
        balances,
      };
    },
  };
}
