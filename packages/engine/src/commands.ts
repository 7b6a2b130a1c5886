// Commands are the only input of the engine. Time (`ts`, ms since epoch) is stamped by the gateway
// so that replaying the journal reproduces every output exactly. All amounts are safe integers:
// asset amounts in the asset's smallest unit, prices in ticks, quantities in lots.

/** Wallet types a user account can belong to; orders trade from SPOT. */
export const WALLET_TYPES = ['SPOT', 'FUNDING', 'FIAT', 'FUTURES', 'P2P', 'ECO'] as const;
export type WalletType = (typeof WALLET_TYPES)[number];

/** One side of a transfer: a user's wallet or a named system account. */
export type Party = { user: number; wallet: WalletType } | { system: string };

export const TRANSFER_KINDS = [
  'deposit',
  'withdrawal',
  'internal',
  'wallet',
  'fee',
  'adjustment',
  'escrow',
  'stake',
  'purchase',
] as const;
export type TransferKind = (typeof TRANSFER_KINDS)[number];

// The order of these lists is part of the journal's binary encoding (a value is stored as its index):
// append new values at the end, never reorder.
export const SIDES = ['BUY', 'SELL'] as const;
export type Side = (typeof SIDES)[number];
export const MARKET_STATUSES = ['TRADING', 'HALTED', 'CANCEL_ONLY'] as const;
export type MarketStatus = (typeof MARKET_STATUSES)[number];
export const TIMES_IN_FORCE = ['GTC', 'IOC', 'FOK'] as const;
export type TimeInForce = (typeof TIMES_IN_FORCE)[number];
export const ORDER_TYPES = [
  'LIMIT',
  'LIMIT_MAKER',
  'MARKET',
  'STOP_LOSS',
  'STOP_LOSS_LIMIT',
  'TAKE_PROFIT',
  'TAKE_PROFIT_LIMIT',
] as const;
export type OrderType = (typeof ORDER_TYPES)[number];
export const STP_MODES = ['NONE', 'EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'] as const;
export type StpMode = (typeof STP_MODES)[number];

// Membership tests for the lists above as switches: Array.prototype.includes is a builtin call per
// test, and these run several times per order.
/** True when v is one of SIDES. */
export function isSide(v: unknown): v is Side {
  return v === 'BUY' || v === 'SELL';
}

/** True when v is one of ORDER_TYPES. */
export function isOrderType(v: unknown): v is OrderType {
  switch (v) {
    case 'LIMIT':
    case 'LIMIT_MAKER':
    case 'MARKET':
    case 'STOP_LOSS':
    case 'STOP_LOSS_LIMIT':
    case 'TAKE_PROFIT':
    case 'TAKE_PROFIT_LIMIT':
      return true;
    default:
      return false;
  }
}

/** True when v is one of TIMES_IN_FORCE. */
export function isTimeInForce(v: unknown): v is TimeInForce {
  return v === 'GTC' || v === 'IOC' || v === 'FOK';
}

/** True when v is one of STP_MODES. */
export function isStpMode(v: unknown): v is StpMode {
  return v === 'NONE' || v === 'EXPIRE_TAKER' || v === 'EXPIRE_MAKER' || v === 'EXPIRE_BOTH';
}

/** Market parameters fixed at creation (tick and lot define the integer grid of the book). */
export interface MarketSpec {
  id: number;
  symbol: string;
  base: string;
  quote: string;
  /** Base smallest units per lot (the quantity step). */
  lotUnits: number;
  /** Quote smallest units for one lot at a price of one tick. notional = priceTicks * lots * this. */
  tickQuoteUnits: number;
  filters: MarketFilters;
  fees: MarketFees;
  status: MarketStatus;
}

export interface MarketFilters {
  minPrice: number;
  maxPrice: number;
  minQty: number;
  maxQty: number;
  /** Minimum notional in quote units. */
  minNotional: number;
  /** Allowed distance of a limit price from the last trade price in basis points; 0 = off. */
  priceBandBps: number;
  maxNumOrders: number;
  maxNumStopOrders: number;
}

export interface MarketFees {
  /** Parts per million of the notional, charged in quote. */
  makerPpm: number;
  takerPpm: number;
}

export interface AddAsset {
  type: 'addAsset';
  ts: number;
  asset: string;
  scale: number;
}

export interface DefineSystemAccount {
  type: 'defineSystemAccount';
  ts: number;
  name: string;
  allowNegative: boolean;
}

export interface Transfer {
  type: 'transfer';
  ts: number;
  key: string;
  kind: TransferKind;
  asset: string;
  from: Party;
  to: Party;
  amount: number;
}

export interface Hold {
  type: 'hold';
  ts: number;
  holdId: string;
  asset: string;
  account: Party;
  amount: number;
}

export interface Release {
  type: 'release';
  ts: number;
  holdId: string;
  /** Omitted: release everything left on the hold. */
  amount?: number;
}

export interface SettleHold {
  type: 'settleHold';
  ts: number;
  /** Idempotency key of the resulting transfer. */
  key: string;
  holdId: string;
  kind: TransferKind;
  to: Party;
  amount: number;
  /** Release whatever is left on the hold after this settlement and close it. */
  final?: boolean;
}

export interface AddMarket {
  type: 'addMarket';
  ts: number;
  market: MarketSpec;
}

export interface UpdateMarket {
  type: 'updateMarket';
  ts: number;
  marketId: number;
  filters?: Partial<MarketFilters>;
  fees?: Partial<MarketFees>;
  status?: MarketStatus;
}

export interface PlaceOrder {
  type: 'placeOrder';
  ts: number;
  marketId: number;
  user: number;
  side: Side;
  orderType: OrderType;
  /** Limit price in ticks (limit types). */
  price?: number;
  /** Quantity in lots. */
  qty?: number;
  /** Market and stop-market orders: spend (buy) or receive (sell) this much quote instead of a quantity. */
  quoteQty?: number;
  timeInForce?: TimeInForce;
  stopPrice?: number;
  trailingDeltaBps?: number;
  clientOrderId?: string;
  stp?: StpMode;
}

export interface PlaceOco {
  type: 'placeOco';
  ts: number;
  marketId: number;
  user: number;
  side: Side;
  qty: number;
  /** The resting LIMIT_MAKER leg. */
  price: number;
  /** The stop leg's trigger. */
  stopPrice: number;
  /** The stop leg's limit price; omitted: the stop leg is a market order. */
  stopLimitPrice?: number;
  listClientId?: string;
  limitClientOrderId?: string;
  stopClientOrderId?: string;
  stp?: StpMode;
}

export interface CancelOrder {
  type: 'cancelOrder';
  ts: number;
  marketId: number;
  user: number;
  orderId?: number;
  clientOrderId?: string;
}

export interface CancelAll {
  type: 'cancelAll';
  ts: number;
  marketId: number;
  user: number;
}

export interface CancelReplace {
  type: 'cancelReplace';
  ts: number;
  marketId: number;
  user: number;
  cancelOrderId?: number;
  cancelClientOrderId?: string;
  /** STOP_ON_FAILURE: no new order when the cancel fails. ALLOW_FAILURE: place it anyway. */
  mode: 'STOP_ON_FAILURE' | 'ALLOW_FAILURE';
  order: Omit<PlaceOrder, 'type' | 'ts' | 'marketId' | 'user'>;
}

export type Command =
  | AddAsset
  | DefineSystemAccount
  | Transfer
  | Hold
  | Release
  | SettleHold
  | AddMarket
  | UpdateMarket
  | PlaceOrder
  | PlaceOco
  | CancelOrder
  | CancelAll
  | CancelReplace;

export type CommandType = Command['type'];
