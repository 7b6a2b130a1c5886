// The ledger's read model: postings, balances, transfers, trades, assets and markets.
import type { Database, DatabaseTransaction, Queryable } from '@tradeloom/db';
import type { EngineEvent, Side } from '@tradeloom/engine';
import { derivePostings, type OpenOrder, type Posting, type PostingContext } from './postings.js';
import { isEffective, type ProjectionHandler } from './projected-command.js';

/** Loads what the derivation remembers (markets, open orders) from the tables it keeps them in. */
async function loadContext(db: Queryable): Promise<PostingContext> {
  const markets = new Map<number, { base: string; quote: string }>();
  for (const r of (await db.query('SELECT market_id, base, quote FROM ledger_markets')).rows) {
    markets.set(Number(r.market_id), { base: String(r.base), quote: String(r.quote) });
  }
  const openOrders = new Map<number, OpenOrder>();
  for (const r of (await db.query('SELECT order_id, market_id, user_no, side FROM ledger_open_orders'))
    .rows) {
    openOrders.set(Number(r.order_id), {
      marketId: Number(r.market_id),
      user: Number(r.user_no),
      side: r.side as Side,
    });
  }
  return { markets, openOrders };
}

const at = (ts: number) => new Date(ts).toISOString();

export async function createLedgerProjection(db: Database): Promise<ProjectionHandler> {
  let ctx = await loadContext(db);
  return {
    name: 'ledger',
    async apply(tx, batch) {
      // Work on copies: a failed transaction must leave the remembered context as the tables have it.
      const next: PostingContext = { markets: new Map(ctx.markets), openOrders: new Map(ctx.openOrders) };
      const postings: Posting[] = [];
      const postingTs: number[] = [];
      const writes = new BatchWrites();
      for (const { seq, ts, result } of batch) {
        if (!isEffective(result)) continue;
        const from = postings.length;
        derivePostings(seq, result.events, next, postings);
        for (let i = from; i < postings.length; i++) postingTs.push(ts);
        for (const e of result.events) writes.collect(seq, ts, e);
      }
      await writes.flush(tx, ctx.openOrders, next.openOrders);
      await writePostings(tx, postings, postingTs);
      ctx = next;
    },
  };
}

type Row = (string | number | boolean | null)[];

class BatchWrites {
  assets: Row[] = [];
  markets: Row[] = [];
  transfers: Row[] = [];
  trades: Row[] = [];

  collect(seq: number, ts: number, e: EngineEvent): void {
    switch (e.type) {
      case 'assetAdded':
        this.assets.push([e.asset, e.scale, seq]);
        break;
      case 'marketAdded':
      case 'marketUpdated':
        this.markets.push([
          e.market.id,
          e.market.symbol,
          e.market.base,
          e.market.quote,
          JSON.stringify(e.market),
          seq,
        ]);
        break;
      case 'transfer':
        this.transfers.push([
          e.key,
          seq,
          e.seq,
          e.kind,
          e.asset,
          'system' in e.from ? `s:${e.from.system}` : `u:${e.from.user}:${e.from.wallet}`,
          'system' in e.to ? `s:${e.to.system}` : `u:${e.to.user}:${e.to.wallet}`,
          e.amount,
          e.fromHeld,
          at(ts),
        ]);
        break;
      case 'trade':
        this.trades.push([
          e.tradeId,
          seq,
          e.marketId,
          e.price,
          e.qty,
          e.baseAmount,
          e.notional,
          e.takerSide,
          e.buyer,
          e.seller,
          e.buyOrderId,
          e.sellOrderId,
          e.buyerFee,
          e.sellerFee,
          at(ts),
        ]);
        break;
      default:
        break;
    }
  }

  async flush(
    tx: DatabaseTransaction,
    before: ReadonlyMap<number, OpenOrder>,
    after: ReadonlyMap<number, OpenOrder>,
  ): Promise<void> {
    for (const r of this.assets) {
      await tx.query(
        'INSERT INTO ledger_assets (asset, scale, seq) VALUES ($1, $2, $3) ON CONFLICT (asset) DO NOTHING',
        r,
      );
    }
    for (const r of this.markets) {
      await tx.query(
        `INSERT INTO ledger_markets (market_id, symbol, base, quote, spec, seq) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (market_id) DO UPDATE SET spec = EXCLUDED.spec, seq = EXCLUDED.seq`,
        r,
      );
    }
    await insertColumns(
      tx,
      'ledger_transfers',
      [
        'key',
        'command_seq',
        'event_seq',
        'kind',
        'asset',
        'from_account',
        'to_account',
        'amount',
        'from_held',
        'at',
      ],
      ['text', 'int8', 'int8', 'text', 'text', 'text', 'text', 'int8', 'bool', 'timestamptz'],
      this.transfers,
    );
    await insertColumns(
      tx,
      'ledger_trades',
      [
        'trade_id',
        'command_seq',
        'market_id',
        'price_ticks',
        'qty_lots',
        'base_amount',
        'notional',
        'taker_side',
        'buyer',
        'seller',
        'buy_order_id',
        'sell_order_id',
        'buyer_fee',
        'seller_fee',
        'at',
      ],
      [
        'int8',
        'int8',
        'int4',
        'int8',
        'int8',
        'int8',
        'int8',
        'text',
        'int8',
        'int8',
        'int8',
        'int8',
        'int8',
        'int8',
        'timestamptz',
      ],
      this.trades,
    );
    // Open orders: the difference between the context before and after the batch.
    const closed: number[] = [];
    for (const id of before.keys()) if (!after.has(id)) closed.push(id);
    if (closed.length > 0)
      await tx.query('DELETE FROM ledger_open_orders WHERE order_id = ANY($1::int8[])', [closed]);
    const opened: Row[] = [];
    for (const [id, o] of after) if (!before.has(id)) opened.push([id, o.marketId, o.user, o.side]);
    await insertColumns(
      tx,
      'ledger_open_orders',
      ['order_id', 'market_id', 'user_no', 'side'],
      ['int8', 'int4', 'int8', 'text'],
      opened,
    );
  }
}

/** Multi-row insert through unnest: one statement and a fixed parameter count whatever the batch size. */
async function insertColumns(
  tx: Queryable,
  table: string,
  columns: readonly string[],
  types: readonly string[],
  rows: readonly Row[],
): Promise<void> {
  if (rows.length === 0) return;
  const params = columns.map((_, c) => rows.map((r) => r[c] ?? null));
  const unnest = types.map((t, i) => `$${i + 1}::${t}[]`).join(', ');
  await tx.query(`INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${unnest})`, params);
}

async function writePostings(
  tx: Queryable,
  postings: readonly Posting[],
  ts: readonly number[],
): Promise<void> {
  if (postings.length === 0) return;
  await insertColumns(
    tx,
    'ledger_postings',
    [
      'command_seq',
      'event_seq',
      'account',
      'user_no',
      'wallet',
      'asset',
      'd_available',
      'd_held',
      'kind',
      'ref',
      'at',
    ],
    ['int8', 'int8', 'text', 'int8', 'text', 'text', 'int8', 'int8', 'text', 'text', 'timestamptz'],
    postings.map((p, i) => [
      p.commandSeq,
      p.eventSeq,
      p.account,
      p.userNo,
      p.wallet,
      p.asset,
      p.dAvailable,
      p.dHeld,
      p.kind,
      p.ref,
      at(ts[i]!),
    ]),
  );
  // Balances: one upsert row per account and asset (a statement may not touch a row twice).
  const sums = new Map<string, { p: Posting; available: number; held: number; seq: number }>();
  for (const p of postings) {
    const key = `${p.account}|${p.asset}`;
    const s = sums.get(key);
    if (s === undefined) sums.set(key, { p, available: p.dAvailable, held: p.dHeld, seq: p.commandSeq });
    else {
      s.available += p.dAvailable;
      s.held += p.dHeld;
      s.seq = p.commandSeq;
    }
  }
  const rows = [...sums.values()].map((s) => [
    s.p.account,
    s.p.asset,
    s.p.userNo,
    s.p.wallet,
    s.available,
    s.held,
    s.seq,
  ]);
  const params = [0, 1, 2, 3, 4, 5, 6].map((c) => rows.map((r) => r[c] ?? null));
  await tx.query(
    `INSERT INTO ledger_balances (account, asset, user_no, wallet, available, held, command_seq)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int8[], $4::text[], $5::int8[], $6::int8[], $7::int8[])
     ON CONFLICT (account, asset) DO UPDATE SET
       available = ledger_balances.available + EXCLUDED.available,
       held = ledger_balances.held + EXCLUDED.held,
       command_seq = EXCLUDED.command_seq`,
    params,
  );
}
