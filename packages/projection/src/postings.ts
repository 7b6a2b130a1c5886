// Turns engine events into ledger postings: one row per balance movement of one account. The
// derivation uses only the events (plus the markets and open orders they named earlier), never the
// engine's balance records, so that summing postings is an independent check of the engine's balances.
import type { EngineEvent, MarketSpec, Party, Side, WalletType } from '@tradeloom/engine';
import { FEES_ACCOUNT } from '@tradeloom/engine';

export interface Posting {
  commandSeq: number;
  eventSeq: number;
  /** 'u:<user>:<wallet>' or 's:<system name>'. */
  account: string;
  userNo: number | null;
  wallet: WalletType | null;
  asset: string;
  dAvailable: number;
  dHeld: number;
  kind: string;
  ref: string;
}

export interface OpenOrder {
  marketId: number;
  user: number;
  side: Side;
}

/** What the derivation remembers between events: market assets and the side of each open order. */
export interface PostingContext {
  markets: Map<number, Pick<MarketSpec, 'base' | 'quote'>>;
  openOrders: Map<number, OpenOrder>;
}

/** The account key of a party. */
export function accountKey(party: Party): string {
  return 'system' in party ? `s:${party.system}` : `u:${party.user}:${party.wallet}`;
}

/** The account key of a user's wallet. */
export function userAccountKey(user: number, wallet: WalletType): string {
  return `u:${user}:${wallet}`;
}

/**
 * Appends the postings of one accepted command's events to `out` and updates `ctx`. Rejected and
 * repeated (duplicate) commands must not be passed: they moved nothing.
 */
export function derivePostings(
  commandSeq: number,
  events: readonly EngineEvent[],
  ctx: PostingContext,
  out: Posting[],
): void {
  const post = (
    eventSeq: number,
    party: Party,
    asset: string,
    dAvailable: number,
    dHeld: number,
    kind: string,
    ref: string,
  ) => {
    const user = 'user' in party ? party : null;
    out.push({
      commandSeq,
      eventSeq,
      account: accountKey(party),
      userNo: user?.user ?? null,
      wallet: user?.wallet ?? null,
      asset,
      dAvailable,
      dHeld,
      kind,
      ref,
    });
  };
  const spot = (user: number): Party => ({ user, wallet: 'SPOT' });
  const marketOf = (marketId: number) => {
    const market = ctx.markets.get(marketId);
    if (market === undefined) throw new Error(`projection: event for unknown market ${marketId}`);
    return market;
  };
  const spendAsset = (orderId: number): { order: OpenOrder; asset: string } => {
    const order = ctx.openOrders.get(orderId);
    if (order === undefined) throw new Error(`projection: event for unknown order ${orderId}`);
    const market = marketOf(order.marketId);
    return { order, asset: order.side === 'BUY' ? market.quote : market.base };
  };
  for (const e of events) {
    switch (e.type) {
      case 'transfer':
        if (e.fromHeld) post(e.seq, e.from, e.asset, 0, -e.amount, e.kind, e.key);
        else post(e.seq, e.from, e.asset, -e.amount, 0, e.kind, e.key);
        post(e.seq, e.to, e.asset, e.amount, 0, e.kind, e.key);
        break;
      case 'hold':
        post(e.seq, e.account, e.asset, -e.amount, e.amount, 'hold', e.holdId);
        break;
      case 'release':
        post(e.seq, e.account, e.asset, e.amount, -e.amount, 'release', e.holdId);
        break;
      case 'marketAdded':
      case 'marketUpdated':
        ctx.markets.set(e.market.id, { base: e.market.base, quote: e.market.quote });
        break;
      case 'orderAccepted': {
        ctx.openOrders.set(e.orderId, { marketId: e.marketId, user: e.user, side: e.side });
        if (e.hold > 0) {
          const market = marketOf(e.marketId);
          const asset = e.side === 'BUY' ? market.quote : market.base;
          post(e.seq, spot(e.user), asset, -e.hold, e.hold, 'order', String(e.orderId));
        }
        break;
      }
      case 'trade': {
        const { base, quote } = marketOf(e.marketId);
        const ref = String(e.tradeId);
        post(e.seq, spot(e.buyer), quote, 0, -(e.notional + e.buyerFee), 'trade', ref);
        post(e.seq, spot(e.seller), quote, e.notional - e.sellerFee, 0, 'trade', ref);
        post(e.seq, spot(e.seller), base, 0, -e.baseAmount, 'trade', ref);
        post(e.seq, spot(e.buyer), base, e.baseAmount, 0, 'trade', ref);
        const fees = e.buyerFee + e.sellerFee;
        if (fees > 0) post(e.seq, { system: FEES_ACCOUNT }, quote, fees, 0, 'fee', ref);
        break;
      }
      case 'orderHoldReduced': {
        const { asset } = spendAsset(e.orderId);
        post(e.seq, spot(e.user), asset, e.released, -e.released, 'order', String(e.orderId));
        break;
      }
      case 'orderClosed': {
        const { asset } = spendAsset(e.orderId);
        if (e.released > 0)
          post(e.seq, spot(e.user), asset, e.released, -e.released, 'order', String(e.orderId));
        ctx.openOrders.delete(e.orderId);
        break;
      }
      // No balance moves: assets, system accounts, triggers, OCO lists, book levels, balance records.
      default:
        break;
    }
  }
}
