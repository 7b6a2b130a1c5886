import type { Queryable } from '@tradeloom/db';
import type { WalletType } from '../wallet-types.js';
import type { RecipientBy, Transfer, TransferKind, TransferStatus } from './transfer.js';

const iso = (v: unknown): string => new Date(String(v)).toISOString();

function transferOf(r: Record<string, unknown>): Transfer {
  return {
    id: String(r.id),
    kind: r.kind as TransferKind,
    fromUserId: String(r.from_user_id),
    toUserId: String(r.to_user_id),
    asset: String(r.asset),
    amount: Number(r.amount),
    fromWallet: r.from_wallet as WalletType,
    toWallet: r.to_wallet as WalletType,
    recipientBy: r.recipient_by as RecipientBy,
    clientTransferId: r.client_transfer_id === null ? null : String(r.client_transfer_id),
    status: r.status as TransferStatus,
    failureCode: r.failure_code === null ? null : String(r.failure_code),
    commandSeq: r.command_seq === null ? null : Number(r.command_seq),
    createdAt: iso(r.created_at),
    completedAt: r.completed_at === null ? null : iso(r.completed_at),
  };
}

/** Inserts a pending transfer; false when the sender already used its clientTransferId. */
export async function insertTransfer(db: Queryable, t: Transfer): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO wallet_transfers (id, kind, from_user_id, to_user_id, asset, amount, from_wallet, to_wallet,
       recipient_by, client_transfer_id, status, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', $11)
     ON CONFLICT (from_user_id, client_transfer_id) DO NOTHING RETURNING id`,
    [
      t.id,
      t.kind,
      t.fromUserId,
      t.toUserId,
      t.asset,
      t.amount,
      t.fromWallet,
      t.toWallet,
      t.recipientBy,
      t.clientTransferId,
      t.createdAt,
    ],
  );
  return rows.length === 1;
}

export async function findTransfer(db: Queryable, id: string): Promise<Transfer | null> {
  const { rows } = await db.query('SELECT * FROM wallet_transfers WHERE id = $1', [id]);
  return rows[0] === undefined ? null : transferOf(rows[0]);
}

export async function findByClientId(
  db: Queryable,
  fromUserId: string,
  clientTransferId: string,
): Promise<Transfer | null> {
  const { rows } = await db.query(
    'SELECT * FROM wallet_transfers WHERE from_user_id = $1 AND client_transfer_id = $2',
    [fromUserId, clientTransferId],
  );
  return rows[0] === undefined ? null : transferOf(rows[0]);
}

/** Marks a transfer done; true only for the call that changed it (its mails go with that call). */
export async function markCompleted(
  db: Queryable,
  id: string,
  commandSeq: number,
  at: string,
): Promise<boolean> {
  // The engine is the truth: a transfer it accepted is completed even if a racing attempt failed it.
  const { rows } = await db.query(
    `UPDATE wallet_transfers SET status = 'completed', failure_code = NULL, command_seq = $2, completed_at = $3
     WHERE id = $1 AND status <> 'completed' RETURNING id`,
    [id, commandSeq, at],
  );
  return rows.length === 1;
}

export async function markFailed(db: Queryable, id: string, code: string, at: string): Promise<void> {
  await db.query(
    `UPDATE wallet_transfers SET status = 'failed', failure_code = $2, completed_at = $3
     WHERE id = $1 AND status = 'pending'`,
    [id, code, at],
  );
}

/** Transfers the user sent or received, newest first, before the cursor (an id of this list). */
export async function listTransfers(
  db: Queryable,
  userId: string,
  options: { limit: number; before?: { createdAt: string; id: string } },
): Promise<Transfer[]> {
  const params: unknown[] = [userId, options.limit];
  let cursor = '';
  if (options.before !== undefined) {
    params.push(options.before.createdAt, options.before.id);
    cursor = 'AND (created_at, id) < ($3::timestamptz, $4)';
  }
  const { rows } = await db.query(
    `SELECT * FROM wallet_transfers WHERE (from_user_id = $1 OR to_user_id = $1) ${cursor}
     ORDER BY created_at DESC, id DESC LIMIT $2`,
    params,
  );
  return rows.map(transferOf);
}

/** Pending transfers older than `before` (a crash between the row and the engine's answer). */
export async function listStalePending(db: Queryable, before: string, limit: number): Promise<Transfer[]> {
  const { rows } = await db.query(
    `SELECT * FROM wallet_transfers WHERE status = 'pending' AND created_at < $1 ORDER BY created_at LIMIT $2`,
    [before, limit],
  );
  return rows.map(transferOf);
}
