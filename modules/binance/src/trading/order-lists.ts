// OCO order lists: placed through the spot module (one engine command for both legs); the list's
// client id is kept here (the read model keeps the legs, not the list's own id text).
import type { Queryable } from '@tradeloom/db';
import type { OrderView, SpotMarket } from '@tradeloom/spot';

export interface OrderListRow {
  listId: number;
  userId: string;
  symbol: string;
  listClientOrderId: string;
  /** The legs' order ids. */
  orderIds: number[];
  createdMs: number;
}

export async function recordOrderList(db: Queryable, row: OrderListRow): Promise<void> {
  await db.query(
    `INSERT INTO binance_order_lists (list_id, user_id, symbol, list_client_order_id, order_ids, created_ms)
     VALUES ($1, $2, $3, $4, $5::int8[], $6) ON CONFLICT (list_id) DO NOTHING`,
    [row.listId, row.userId, row.symbol, row.listClientOrderId, row.orderIds, row.createdMs],
  );
}

function rowOf(r: Record<string, unknown>): OrderListRow {
  return {
    listId: Number(r.list_id),
    userId: String(r.user_id),
    symbol: String(r.symbol),
    listClientOrderId: String(r.list_client_order_id),
    orderIds: (r.order_ids as unknown[]).map(Number),
    createdMs: Number(r.created_ms),
  };
}

export async function findOrderList(
  db: Queryable,
  userId: string,
  by: { listId?: number; listClientOrderId?: string },
): Promise<OrderListRow | null> {
  const { rows } =
    by.listId !== undefined
      ? await db.query('SELECT * FROM binance_order_lists WHERE list_id = $1 AND user_id = $2', [
          by.listId,
          userId,
        ])
      : await db.query(
          `SELECT * FROM binance_order_lists WHERE list_client_order_id = $1 AND user_id = $2
           ORDER BY list_id DESC LIMIT 1`,
          [by.listClientOrderId, userId],
        );
  const row = rows[0];
  return row === undefined ? null : rowOf(row);
}

export async function listOrderLists(
  db: Queryable,
  userId: string,
  q: { fromId?: number; startTime?: number; endTime?: number; limit: number },
): Promise<OrderListRow[]> {
  const where = ['user_id = $1'];
  const values: unknown[] = [userId];
  if (q.fromId !== undefined) {
    values.push(q.fromId);
    where.push(`list_id >= $${values.length}`);
  }
  if (q.startTime !== undefined) {
    values.push(q.startTime);
    where.push(`created_ms >= $${values.length}`);
  }
  if (q.endTime !== undefined) {
    values.push(q.endTime);
    where.push(`created_ms <= $${values.length}`);
  }
  const { rows } = await db.query(
    `SELECT * FROM binance_order_lists WHERE ${where.join(' AND ')} ORDER BY list_id ${q.fromId === undefined ? 'DESC' : 'ASC'} LIMIT ${q.limit}`,
    values,
  );
  return rows.map(rowOf);
}

/** The list's status in Binance's terms, from its legs. */
export function orderListResponse(
  list: OrderListRow,
  legs: readonly OrderView[],
  m: SpotMarket,
): Record<string, unknown> {
  const executing = legs.some((o) => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED');
  return {
    orderListId: list.listId,
    contingencyType: 'OCO',
    listStatusType: executing ? 'EXEC_STARTED' : 'ALL_DONE',
    listOrderStatus: executing ? 'EXECUTING' : 'ALL_DONE',
    listClientOrderId: list.listClientOrderId,
    transactionTime: list.createdMs,
    symbol: m.symbol,
    orders: legs.map((o) => ({ symbol: o.symbol, orderId: o.orderId, clientOrderId: o.clientOrderId ?? '' })),
  };
}
