// Events are the only output of the engine. Each carries `seq`, a global gapless event number.
// Ledger postings are derivable from events (see postings.ts): that is how the read model and the
// reconciliation job rebuild every balance without trusting anything but the event stream.
import type { RejectCode } from './codes.js';
import type {
  MarketSpec,
  OrderType,
  Party,
  Side,
  StpMode,
  TimeInForce,
  TransferKind,
  WalletType,
} from './commands.js';

export type CloseReason =
  | 'USER'
  | 'CANCEL_ALL'
  | 'REPLACED'
  | 'IOC'
  | 'FOK'
  | 'NO_LIQUIDITY'
  | 'INSUFFICIENT_BALANCE'
  | 'STP'
  | 'OCO'
  | 'FILLED';

export interface AssetAddedEvent {
  type: 'assetAdded';
  seq: number;
  asset: string;
  scale: number;
}

export interface SystemAccountDefinedEvent {
  type: 'systemAccountDefined';
  seq: number;
  name: string;
  allowNegative: boolean;
}

export interface TransferEvent {
  type: 'transfer';
  seq: number;
  key: string;
  kind: TransferKind;
  asset: string;
  from: Party;
  to: Party;
  amount: number;
  /** True when the debit came out of a hold (settleHold) rather than the available balance. */
  fromHeld: boolean;
}

export interface HoldEvent {
  type: 'hold';
  seq: number;
  holdId: string;
  asset: string;
  account: Party;
  amount: number;
}

export interface ReleaseEvent {
  type: 'release';
  seq: number;
  holdId: string;
  asset: string;
  account: Party;
  amount: number;
  remaining: number;
}

export interface MarketEvent {
  type: 'marketAdded' | 'marketUpdated';
  seq: number;
  market: MarketSpec;
}

export interface OrderAcceptedEvent {
  type: 'orderAccepted';
  seq: number;
  ts: number;
  orderId: number;
  clientOrderId: string | null;
  listId: number;
  marketId: number;
  user: number;
  side: Side;
  orderType: OrderType;
  timeInForce: TimeInForce;
  stp: StpMode;
  price: number;
  qty: number;
  quoteQty: number;
  stopPrice: number;
  trailingDeltaBps: number;
  /** Amount moved from available to held in the spend asset (quote for buys, base for sells). */
  hold: number;
  /** True for stop orders waiting for their trigger. */
  pending: boolean;
}

export interface OrderTriggeredEvent {
  type: 'orderTriggered';
  seq: number;
  orderId: number;
  marketId: number;
  user: number;
  /** The last trade price that triggered the order. */
  lastPrice: number;
}

export interface TradeEvent {
  type: 'trade';
  seq: number;
  ts: number;
  tradeId: number;
  marketId: number;
  price: number;
  qty: number;
  /** Base units that moved from seller to buyer. */
  baseAmount: number;
  /** Quote units that moved from buyer to seller before fees. */
  notional: number;
  takerSide: Side;
  buyOrderId: number;
  sellOrderId: number;
  buyer: number;
  seller: number;
  buyerFee: number;
  sellerFee: number;
  /** Lots left on the maker after this fill. */
  makerRemaining: number;
  makerOrderId: number;
}

export interface OrderClosedEvent {
  type: 'orderClosed';
  seq: number;
  orderId: number;
  marketId: number;
  user: number;
  status: 'FILLED' | 'CANCELED' | 'EXPIRED';
  reason: CloseReason;
  filledQty: number;
  /** Hold returned to available when the order closed. */
  released: number;
}

/** Emitted once per resting order after its taker phase when price improvement freed part of its hold. */
export interface OrderHoldReducedEvent {
  type: 'orderHoldReduced';
  seq: number;
  orderId: number;
  marketId: number;
  user: number;
  released: number;
}

export interface OcoAcceptedEvent {
  type: 'ocoAccepted';
  seq: number;
  listId: number;
  listClientId: string | null;
  marketId: number;
  user: number;
  orderIds: [number, number];
}

/** Aggregated book level after the command: one per level touched. qty 0 means the level is gone. */
export interface BookLevelEvent {
  type: 'bookLevel';
  seq: number;
  marketId: number;
  side: Side;
  price: number;
  qty: number;
}

/** A user account's balance after the command: one per user account touched. */
export interface BalanceEvent {
  type: 'balance';
  seq: number;
  user: number;
  asset: string;
  wallet: WalletType;
  available: number;
  held: number;
}

export type EngineEvent =
  | AssetAddedEvent
  | SystemAccountDefinedEvent
  | TransferEvent
  | HoldEvent
  | ReleaseEvent
  | MarketEvent
  | OrderAcceptedEvent
  | OrderTriggeredEvent
  | TradeEvent
  | OrderClosedEvent
  | OrderHoldReducedEvent
  | OcoAcceptedEvent
  | BookLevelEvent
  | BalanceEvent;

export interface Accepted {
  ok: true;
  /** Command sequence number (the journal position of the command). */
  commandSeq: number;
  events: EngineEvent[];
  /** Set when an idempotency key was seen before: the events are the first result's. */
  duplicate?: boolean;
  /** placeOrder / cancelReplace: the new order's id; placeOco: the list id; cancelOrder: the canceled order's id. */
  orderId?: number;
  /** cancelReplace (ALLOW_FAILURE): the cancel failed but the new order was placed. */
  cancelRejected?: { code: RejectCode; message: string };
  /** cancelReplace: the order was canceled but the new one was rejected. */
  newOrderRejected?: { code: RejectCode; message: string };
}

export interface Rejected {
  ok: false;
  commandSeq: number;
  code: RejectCode;
  message: string;
  /** Extra machine-readable detail, e.g. the filter bound or the existing order id. */
  detail?: Record<string, string | number>;
}

export type CommandResult = Accepted | Rejected;
