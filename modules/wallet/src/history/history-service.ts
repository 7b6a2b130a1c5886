// A user's history (every balance movement, from the projected postings) and trades, as decimal
// strings, paginated newest first, and as CSV.
import { DomainError } from '@tradeloom/kernel';
import { formatAmount } from '@tradeloom/money';
import { toCsv } from '../csv.js';
import { priceOfTicks, ratioToRate } from '../rates/rate-math.js';
import { maskEmail } from '../transfers/transfer.js';
import type { WalletContext } from '../wallet-context.js';
import { assetScales } from './asset-scales.js';
import * as repo from './history-repository.js';

export { HISTORY_KINDS, type HistoryKind } from './history-repository.js';

/** Most rows one CSV export holds; narrow the time range for more. */
export const EXPORT_ROWS_MAX = 10_000;

export interface HistoryQuery {
  asset?: string;
  kind?: repo.HistoryKind;
  wallet?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit: number;
}

export interface TradeView {
  tradeId: string;
  at: string;
  market: string;
  side: 'BUY' | 'SELL';
  /** Whole quote per whole base. */
  price: string;
  /** Base amount. */
  quantity: string;
  /** Quote amount (price x quantity), before fees. */
  quoteQuantity: string;
  fee: string;
  feeAsset: string;
  role: 'maker' | 'taker';
}

export interface HistoryEntry {
  id: string;
  at: string;
  kind: string;
  asset: string;
  wallet: string | null;
  /** Change of the total (available + held); order holds and releases move 0. */
  amount: string;
  availableChange: string;
  heldChange: string;
  /** The engine reference: transfer key, order id, hold id or trade id. */
  reference: string;
  /** The network of a deposit or withdrawal (its external account), when known. */
  network: string | null;
  transfer: {
    id: string;
    direction: 'in' | 'out' | 'self';
    fromWallet: string;
    toWallet: string;
    counterparty: { userId: string; email: string } | null;
  } | null;
  trade: TradeView | null;
}

export interface HistoryService {
  history(
    userId: string,
    query: HistoryQuery,
  ): Promise<{ entries: HistoryEntry[]; nextCursor: string | null }>;
  /** The same rows as CSV (all pages, at most EXPORT_ROWS_MAX, else WALLET_EXPORT_TOO_LARGE). */
  historyCsv(userId: string, query: Omit<HistoryQuery, 'limit'>): Promise<string>;
  trades(
    userId: string,
    query: { market?: string; from?: string; to?: string; cursor?: string; limit: number },
  ): Promise<{ trades: TradeView[]; nextCursor: string | null }>;
  /** Admin: WALLET_USER_NOT_FOUND for an unknown user. */
  assertUser(userId: string): Promise<void>;
}

const CSV_COLUMNS = [
  'id',
  'time',
  'kind',
  'wallet',
  'asset',
  'amount',
  'available_change',
  'held_change',
  'reference',
  'network',
  'counterparty',
  'market',
  'side',
  'price',
  'fee',
] as const;

function cursorOf(text: string | undefined): bigint | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,19}$/.test(text)) throw new DomainError('WALLET_CURSOR_INVALID', 'Unknown cursor');
  return BigInt(text);
}

export function createHistoryService(ctx: WalletContext): HistoryService {
  const db = ctx.database;

  /** The user's engine account without creating one; null = nothing ever moved. */
  const accountOf = (userId: string) => repo.findEngineAccount(db, userId);

  const tradeView = (t: repo.TradeRow, userNo: number, scales: Map<string, number>): TradeView => {
    const baseScale = scales.get(t.base) ?? 0;
    const quoteScale = scales.get(t.quote) ?? 0;
    const side = t.buyer === BigInt(userNo) ? 'BUY' : 'SELL';
    return {
      tradeId: t.tradeId,
      at: t.at,
      market: t.symbol,
      side,
      price: ratioToRate(priceOfTicks(t.priceTicks, { ...t, baseScale, quoteScale })),
      quantity: formatAmount(t.baseAmount, baseScale),
      quoteQuantity: formatAmount(t.notional, quoteScale),
      fee: formatAmount(side === 'BUY' ? t.buyerFee : t.sellerFee, quoteScale),
      feeAsset: t.quote,
      role: t.takerSide === side ? 'taker' : 'maker',
    };
  };

  const entries = async (userId: string, filter: repo.HistoryFilter, limit: number) => {
    const userNo = await accountOf(userId);
    if (userNo === null) return { rows: [] as HistoryEntry[], more: false };
    const rows = await repo.listPostings(db, userNo, filter, limit + 1);
    const scales = await assetScales(db);
    const emails = new Map<string, string>();
    const emailOf = async (id: string) => {
      let email = emails.get(id);
      if (email === undefined) {
        const user = await ctx.identity.getUser(id);
        email = user === null ? '***' : maskEmail(user.email);
        emails.set(id, email);
      }
      return email;
    };
    const out: HistoryEntry[] = [];
    for (const r of rows.slice(0, limit)) {
      const scale = scales.get(r.asset) ?? 0;
      let transfer: HistoryEntry['transfer'] = null;
      if (r.transfer !== null) {
        const t = r.transfer;
        const direction = t.kind === 'wallet' ? 'self' : t.fromUserId === userId ? 'out' : 'in';
        const otherId = direction === 'out' ? t.toUserId : t.fromUserId;
        transfer = {
          id: t.id,
          direction,
          fromWallet: t.fromWallet,
          toWallet: t.toWallet,
          counterparty: direction === 'self' ? null : { userId: otherId, email: await emailOf(otherId) },
        };
      }
      const external = [r.ledgerTransfer?.fromAccount, r.ledgerTransfer?.toAccount].find((a) =>
        a?.startsWith('s:external:'),
      );
      out.push({
        id: r.id,
        at: r.at,
        kind: r.kind,
        asset: r.asset,
        wallet: r.wallet,
        amount: formatAmount(r.dAvailable + r.dHeld, scale),
        availableChange: formatAmount(r.dAvailable, scale),
        heldChange: formatAmount(r.dHeld, scale),
        reference: r.ref,
        network: external === undefined ? null : external.slice('s:external:'.length),
        transfer,
        trade: r.trade === null ? null : tradeView(r.trade, userNo, scales),
      });
    }
    return { rows: out, more: rows.length > limit };
  };

  const filterOf = (query: Omit<HistoryQuery, 'limit'>): repo.HistoryFilter => {
    const before = cursorOf(query.cursor);
    return {
      ...(query.asset === undefined ? {} : { asset: query.asset }),
      ...(query.kind === undefined ? {} : { kind: query.kind }),
      ...(query.wallet === undefined ? {} : { wallet: query.wallet }),
      ...(query.from === undefined ? {} : { from: query.from }),
      ...(query.to === undefined ? {} : { to: query.to }),
      ...(before === undefined ? {} : { before }),
    };
  };

  return {
    async history(userId, query) {
      const { rows, more } = await entries(userId, filterOf(query), query.limit);
      return { entries: rows, nextCursor: more ? (rows.at(-1)?.id ?? null) : null };
    },

    async historyCsv(userId, query) {
      const { rows, more } = await entries(userId, filterOf(query), EXPORT_ROWS_MAX);
      if (more) {
        throw new DomainError(
          'WALLET_EXPORT_TOO_LARGE',
          `More than ${EXPORT_ROWS_MAX} rows: narrow the time range (from/to) or filter by asset`,
          { maxRows: EXPORT_ROWS_MAX },
        );
      }
      return toCsv(
        CSV_COLUMNS,
        rows.map((e) => [
          e.id,
          e.at,
          e.kind,
          e.wallet,
          e.asset,
          e.amount,
          e.availableChange,
          e.heldChange,
          e.reference,
          e.network,
          e.transfer?.counterparty?.email ?? null,
          e.trade?.market ?? null,
          e.trade?.side ?? null,
          e.trade?.price ?? null,
          e.trade?.fee ?? null,
        ]),
      );
    },

    async trades(userId, query) {
      const userNo = await accountOf(userId);
      if (userNo === null) return { trades: [], nextCursor: null };
      const before = cursorOf(query.cursor);
      const rows = await repo.listTrades(
        db,
        userNo,
        {
          ...(query.market === undefined ? {} : { symbol: query.market }),
          ...(before === undefined ? {} : { before }),
          ...(query.from === undefined ? {} : { from: query.from }),
          ...(query.to === undefined ? {} : { to: query.to }),
        },
        query.limit + 1,
      );
      const scales = await assetScales(db);
      const page = rows.slice(0, query.limit).map((t) => tradeView(t, userNo, scales));
      return { trades: page, nextCursor: rows.length > query.limit ? (page.at(-1)?.tradeId ?? null) : null };
    },

    async assertUser(userId) {
      if ((await ctx.identity.getUser(userId)) === null) {
        throw new DomainError('WALLET_USER_NOT_FOUND', `No user ${userId}`);
      }
    },
  };
}
