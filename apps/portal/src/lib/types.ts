// Shapes of the public API's answers the portal reads (see docs/api/openapi.json).

export interface User {
  id: string;
  email: string;
  emailVerified: boolean;
  displayName: string | null;
  twoFactorEnabled: boolean;
  withdrawalsLockedUntil: string | null;
  createdAt: string;
}

export interface Market {
  symbol: string;
  base: string;
  quote: string;
  /** Decimals of the quote asset (a market order's quote amount has at most these). */
  quotePrecision: number;
  tickSize: string;
  lotSize: string;
  minPrice: string;
  maxPrice: string;
  minQty: string;
  maxQty: string;
  minNotional: string;
  makerFee: string;
  takerFee: string;
  status: 'TRADING' | 'HALTED' | 'CANCEL_ONLY';
  sortOrder: number;
}

export interface Ticker {
  symbol: string;
  lastPrice: string;
  priceChange: string;
  priceChangePercent: string;
  highPrice: string;
  lowPrice: string;
  volume: string;
  quoteVolume: string;
  count: number;
}

/** [price, quantity] */
export type BookLevel = [string, string];

export interface Book {
  symbol: string;
  bids: BookLevel[];
  asks: BookLevel[];
}

export interface PublicTrade {
  id: number;
  price: string;
  qty: string;
  time: number;
  isBuyerMaker: boolean;
}

export interface Order {
  symbol: string;
  orderId: number;
  side: string;
  type: string;
  price: string;
  origQty: string;
  executedQty: string;
  status: string;
  time: number;
}

export interface Balance {
  wallet: string;
  asset: string;
  available: string;
  held: string;
  total: string;
  value: string | null;
}

export interface Balances {
  quote: string;
  totalValue: string;
  unpricedAssets: string[];
  balances: Balance[];
}
