// External prices for assets the platform's own markets do not price (a new listing, fiat). The
// feed answers decimal strings; the rates service checks them like any other input.

/** A source of prices in USDT outside the platform. */
export interface PriceFeedAdapter {
  /** Short name, recorded as the rate's source ('feed:<name>'). */
  readonly name: string;
  /** Prices in USDT (whole USDT per whole unit, plain decimal strings) of those of `assets` it knows. */
  pricesInUsdt(assets: readonly string[]): Promise<ReadonlyMap<string, string>>;
}

/** A feed with fixed prices: tests, and operators who pin a price (a stablecoin, a fiat currency). */
export class StaticPriceFeed implements PriceFeedAdapter {
  private readonly prices: Map<string, string>;

  constructor(
    prices: Readonly<Record<string, string>>,
    readonly name = 'static',
  ) {
    this.prices = new Map(Object.entries(prices));
  }

  /** Changes a price (tests move the market). */
  set(asset: string, price: string): void {
    this.prices.set(asset, price);
  }

  async pricesInUsdt(assets: readonly string[]): Promise<ReadonlyMap<string, string>> {
    const out = new Map<string, string>();
    for (const asset of assets) {
      const price = this.prices.get(asset);
      if (price !== undefined) out.set(asset, price);
    }
    return out;
  }
}
