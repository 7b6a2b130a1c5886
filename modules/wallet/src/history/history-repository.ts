// Reads of the ledger's read model (written only by the projector) for one user's history and trades.
import type { Queryable } from '@tradeloom/db';

/** Posting kinds a user's history shows. */
export const HISTORY_KINDS = [
  'deposit',
  'withdrawal',
  'internal',
  'wallet',
  'trade',
  'fee',
  'order',
  'hold',
  'release',
] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

export interface HistoryFilter {
  asset?: string;
  kind?: HistoryKind;
  wallet?: string;
  /** ISO times: from inclusive, to exclusive. */
  from?: string;
  to?: string;
  /** Posting id: rows strictly older (smaller id). */
  before?: bigint;
}

export interface PostingRow {
  id: string;
  at: string;
  kind: string;
  asset: string;
  wallet: string | null;
  dAvailable: bigint;
  dHeld: bigint;
  ref: string;
  transfer: {
    id: string;
    kind: string;
    fromUserId: string;
    toUserId: string;
    fromWallet: string;
    toWallet: string;
  } | null;
  ledgerTransfer: { fromAccount: string; toAccount: string } | null;
  trade: TradeRow | null;
}

export interface TradeRow {
  tradeId: string;
  at: string;
  marketId: number;
  symbol: string;
  base: string;
  quote: string;
  lotUnits: number;
  tickQuoteUnits: number;
  priceTicks: bigint;
  baseAmount: bigint;
  notional: bigint;
  takerSide: string;
  buyer: bigint;
  seller: bigint;
  buyerFee: bigint;
  sellerFee: bigint;
}

const iso = (v: unknown): string => new Date(String(v)).toISOString();
const big = (v: unknown): bigint => BigInt(String(v));

function tradeOf(r: Record<string, unknown>): TradeRow {
  const spec = (typeof r.spec === 'string' ? JSON.parse(r.spec) : r.spec) as {
    lotUnits: number;
    tickQuoteUnits: number;
  };
  return {
    tradeId: String(r.trade_id),
    at: iso(r.trade_at),
    marketId: Number(r.market_id),
    symbol: String(r.symbol),
    base: String(r.base),
    quote: String(r.quote),
    lotUnits: spec.lotUnits,
    tickQuoteUnits: spec.tickQuoteUnits,
    priceTicks: big(r.price_ticks),
    baseAmount: big(r.base_amount),
    notional: big(r.notional),
    takerSide: String(r.taker_side),
    buyer: big(r.buyer),
    seller: big(r.seller),
    buyerFee: big(r.buyer_fee),
    sellerFee: big(r.seller_fee),
  };
}

const TRADE_COLUMNS = `tr.trade_id::text AS trade_id, tr.at AS trade_at, tr.market_id, tr.price_ticks::text AS price_ticks,
  tr.base_amount::text AS base_amount, tr.notional::text AS notional, tr.taker_side, tr.buyer::text AS buyer,
  tr.seller::text AS seller, tr.buyer_fee::text AS buyer_fee, tr.seller_fee::text AS seller_fee,
  m.symbol, m.base, m.quote, m.spec`;

/** The user's postings, newest first, joined to their transfer and trade. */
export async function listPostings(
  db: Queryable,
  userNo: number,
  filter: HistoryFilter,
  limit: number,
): Promise<PostingRow[]> {
  const params: unknown[] = [userNo];
  const where = ['p.user_no = $1'];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.asset !== undefined) add('p.asset = ?', filter.asset);
  if (filter.kind !== undefined) add('p.kind = ?', filter.kind);
  if (filter.wallet !== undefined) add('p.wallet = ?', filter.wallet);
  if (filter.from !== undefined) add('p.at >= ?::timestamptz', filter.from);
  if (filter.to !== undefined) add('p.at < ?::timestamptz', filter.to);
  if (filter.before !== undefined) add('p.id < ?::bigint', filter.before.toString());
  params.push(limit);
  const { rows } = await db.query(
    `SELECT p.id::text AS id, p.at, p.kind, p.asset, p.wallet, p.d_available::text AS d_available,
            p.d_held::text AS d_held, p.ref,
            wt.id AS wt_id, wt.kind AS wt_kind, wt.from_user_id, wt.to_user_id, wt.from_wallet, wt.to_wallet,
            lt.from_account, lt.to_account,
            ${TRADE_COLUMNS}
       FROM ledger_postings p
       LEFT JOIN ledger_transfers lt ON p.kind NOT IN ('trade', 'order', 'hold', 'release') AND lt.key = p.ref
       LEFT JOIN wallet_transfers wt ON p.kind IN ('internal', 'wallet') AND wt.id = substr(p.ref, 4)
       LEFT JOIN ledger_trades tr ON p.kind = 'trade'
                                 AND tr.trade_id = (CASE WHEN p.kind = 'trade' THEN p.ref::bigint END)
       LEFT JOIN ledger_markets m ON m.market_id = tr.market_id
      WHERE ${where.join(' AND ')}
      ORDER BY p.id DESC
      LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => ({
    id: String(r.id),
    at: iso(r.at),
    kind: String(r.kind),
    asset: String(r.asset),
    wallet: r.wallet === null ? null : String(r.wallet),
    dAvailable: big(r.d_available),
    dHeld: big(r.d_held),
    ref: String(r.ref),
    transfer:
      r.wt_id === null
        ? null
        : {
            id: String(r.wt_id),
            kind: String(r.wt_kind),
            fromUserId: String(r.from_user_id),
            toUserId: String(r.to_user_id),
            fromWallet: String(r.from_wallet),
            toWallet: String(r.to_wallet),
          },
    ledgerTransfer:
      r.from_account === null
        ? null
        : { fromAccount: String(r.from_account), toAccount: String(r.to_account) },
    trade: r.trade_id === null ? null : tradeOf(r),
  }));
}

/** The user's trades (as buyer or seller), newest first. */
export async function listTrades(
  db: Queryable,
  userNo: number,
  filter: { symbol?: string; before?: bigint; from?: string; to?: string },
  limit: number,
): Promise<TradeRow[]> {
  const params: unknown[] = [userNo];
  const where = ['(tr.buyer = $1 OR tr.seller = $1)'];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.symbol !== undefined) add('m.symbol = ?', filter.symbol);
  if (filter.before !== undefined) add('tr.trade_id < ?::bigint', filter.before.toString());
  if (filter.from !== undefined) add('tr.at >= ?::timestamptz', filter.from);
  if (filter.to !== undefined) add('tr.at < ?::timestamptz', filter.to);
  params.push(limit);
  const { rows } = await db.query(
    `SELECT ${TRADE_COLUMNS}
       FROM ledger_trades tr JOIN ledger_markets m ON m.market_id = tr.market_id
      WHERE ${where.join(' AND ')}
      ORDER BY tr.trade_id DESC
      LIMIT $${params.length}`,
    params,
  );
  return rows.map(tradeOf);
}

/** The engine account number of a user without creating one (null: the user never had money). */
export async function findEngineAccount(db: Queryable, userId: string): Promise<number | null> {
  const { rows } = await db.query('SELECT account_no FROM engine_accounts WHERE user_id = $1', [userId]);
  return rows[0] === undefined ? null : Number(rows[0].account_no);
}
