// SQL of the withdrawals part. Times are passed in from the service's clock (tests move it).
import type { Queryable } from '@tradeloom/db';
import {
  COUNTED_STATUSES,
  type Withdrawal,
  type WithdrawalAddress,
  type WithdrawalStatus,
} from './withdrawal.js';

const iso = (ms: number): string => new Date(ms).toISOString();

function msOf(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  return Date.parse(String(value));
}

const msOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : msOf(value);
const numOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);
const strOrNull = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value);

function addressOf(r: Record<string, unknown>): WithdrawalAddress {
  return {
    id: String(r.id),
    userId: String(r.user_id),
    asset: String(r.asset),
    networkId: String(r.network_id),
    network: String(r.network),
    address: String(r.address),
    memo: String(r.memo),
    label: String(r.label),
    usableFromMs: msOf(r.usable_from),
    createdAtMs: msOf(r.created_at),
  };
}

function withdrawalOf(r: Record<string, unknown>): Withdrawal {
  const approvedBy = r.approved_by;
  return {
    id: String(r.id),
    userId: String(r.user_id),
    accountNo: Number(r.account_no),
    asset: String(r.asset),
    networkId: String(r.network_id),
    network: String(r.network),
    addressId: strOrNull(r.address_id),
    address: String(r.address),
    memo: String(r.memo),
    amount: Number(r.amount),
    fee: Number(r.fee),
    holdId: String(r.hold_id),
    status: r.status as WithdrawalStatus,
    approvalsRequired: Number(r.approvals_required) === 2 ? 2 : 1,
    valueUsdt: numOrNull(r.value_usdt),
    requestedVia: r.requested_via === 'apiKey' ? 'apiKey' : 'session',
    apiKeyId: strOrNull(r.api_key_id),
    reason: strOrNull(r.reason),
    payoutAdapter: strOrNull(r.payout_adapter),
    payoutAwaiting: r.payout_awaiting === true,
    payoutTxId: strOrNull(r.payout_tx_id),
    payoutAttempts: Number(r.payout_attempts),
    nextAttemptAtMs: msOrNull(r.next_attempt_at),
    holdReleasedAtMs: msOrNull(r.hold_released_at),
    createdAtMs: msOf(r.created_at),
    updatedAtMs: msOf(r.updated_at),
    completedAtMs: msOrNull(r.completed_at),
    approvedBy: Array.isArray(approvedBy) ? approvedBy.map(String) : [],
  };
}

// Approvers come along with every read (a handful of rows at most).
const SELECT_WITHDRAWAL = `SELECT w.*, ARRAY(
    SELECT a.admin_id FROM wallet_withdrawal_approvals a WHERE a.withdrawal_id = w.id ORDER BY a.approved_at
  ) AS approved_by
  FROM wallet_withdrawals w`;

// ---- allow-list ----

export async function insertAddress(db: Queryable, a: WithdrawalAddress): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO wallet_withdrawal_addresses
       (id, user_id, asset, network_id, network, address, memo, label, usable_from, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (user_id, network_id, address, memo) DO NOTHING RETURNING id`,
    [
      a.id,
      a.userId,
      a.asset,
      a.networkId,
      a.network,
      a.address,
      a.memo,
      a.label,
      iso(a.usableFromMs),
      iso(a.createdAtMs),
    ],
  );
  return rows.length === 1;
}

export async function listAddresses(
  db: Queryable,
  userId: string,
  filter: { asset?: string } = {},
): Promise<WithdrawalAddress[]> {
  const { rows } =
    filter.asset === undefined
      ? await db.query(
          'SELECT * FROM wallet_withdrawal_addresses WHERE user_id = $1 ORDER BY created_at, id',
          [userId],
        )
      : await db.query(
          'SELECT * FROM wallet_withdrawal_addresses WHERE user_id = $1 AND asset = $2 ORDER BY created_at, id',
          [userId, filter.asset],
        );
  return rows.map(addressOf);
}

export async function findAddress(
  db: Queryable,
  userId: string,
  id: string,
): Promise<WithdrawalAddress | null> {
  const { rows } = await db.query(
    'SELECT * FROM wallet_withdrawal_addresses WHERE id = $1 AND user_id = $2',
    [id, userId],
  );
  return rows[0] === undefined ? null : addressOf(rows[0]);
}

export async function findAddressByValue(
  db: Queryable,
  userId: string,
  networkId: string,
  address: string,
  memo: string,
): Promise<WithdrawalAddress | null> {
  const { rows } = await db.query(
    `SELECT * FROM wallet_withdrawal_addresses
     WHERE user_id = $1 AND network_id = $2 AND address = $3 AND memo = $4`,
    [userId, networkId, address, memo],
  );
  return rows[0] === undefined ? null : addressOf(rows[0]);
}

export async function deleteAddress(
  db: Queryable,
  userId: string,
  id: string,
): Promise<WithdrawalAddress | null> {
  const { rows } = await db.query(
    'DELETE FROM wallet_withdrawal_addresses WHERE id = $1 AND user_id = $2 RETURNING *',
    [id, userId],
  );
  return rows[0] === undefined ? null : addressOf(rows[0]);
}

export async function addressDelayDisabled(db: Queryable, userId: string): Promise<boolean> {
  const { rows } = await db.query(
    'SELECT address_delay_disabled FROM wallet_withdrawal_preferences WHERE user_id = $1',
    [userId],
  );
  return rows[0]?.address_delay_disabled === true;
}

export async function setAddressDelayDisabled(
  db: Queryable,
  userId: string,
  disabled: boolean,
  nowMs: number,
): Promise<void> {
  await db.query(
    `INSERT INTO wallet_withdrawal_preferences (user_id, address_delay_disabled, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (user_id) DO UPDATE SET address_delay_disabled = EXCLUDED.address_delay_disabled,
       updated_at = EXCLUDED.updated_at`,
    [userId, disabled, iso(nowMs)],
  );
}

// ---- withdrawals ----

/** Serialises one user's withdrawal requests (daily limit): locks their engine-account row. */
export async function lockUser(db: Queryable, userId: string): Promise<void> {
  await db.query('SELECT account_no FROM engine_accounts WHERE user_id = $1 FOR UPDATE', [userId]);
}

/** What the user withdrew (or is withdrawing) of an asset since `sinceMs`, in units. */
export async function withdrawnSince(
  db: Queryable,
  userId: string,
  asset: string,
  sinceMs: number,
): Promise<bigint> {
  const { rows } = await db.query(
    `SELECT COALESCE(SUM(amount), 0)::text AS total FROM wallet_withdrawals
     WHERE user_id = $1 AND asset = $2 AND created_at > $3 AND status = ANY($4)`,
    [userId, asset, iso(sinceMs), COUNTED_STATUSES],
  );
  return BigInt(String(rows[0]?.total ?? '0'));
}

export async function insertWithdrawal(db: Queryable, w: Withdrawal): Promise<void> {
  await db.query(
    `INSERT INTO wallet_withdrawals (id, user_id, account_no, asset, network_id, network, address_id, address,
       memo, amount, fee, hold_id, status, approvals_required, value_usdt, requested_via, api_key_id,
       created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)`,
    [
      w.id,
      w.userId,
      w.accountNo,
      w.asset,
      w.networkId,
      w.network,
      w.addressId,
      w.address,
      w.memo,
      w.amount,
      w.fee,
      w.holdId,
      w.status,
      w.approvalsRequired,
      w.valueUsdt,
      w.requestedVia,
      w.apiKeyId,
      iso(w.createdAtMs),
    ],
  );
}

export async function findWithdrawal(
  db: Queryable,
  id: string,
  options: { userId?: string; forUpdate?: boolean } = {},
): Promise<Withdrawal | null> {
  const params: unknown[] = [id];
  let sql = `${SELECT_WITHDRAWAL} WHERE w.id = $1`;
  if (options.userId !== undefined) {
    params.push(options.userId);
    sql += ' AND w.user_id = $2';
  }
  if (options.forUpdate === true) sql += ' FOR UPDATE OF w';
  const { rows } = await db.query(sql, params);
  return rows[0] === undefined ? null : withdrawalOf(rows[0]);
}

/** Moves a withdrawal from one state to another; false when it was not in `from` any more. */
export async function transition(
  db: Queryable,
  id: string,
  from: readonly WithdrawalStatus[],
  to: WithdrawalStatus,
  nowMs: number,
  extra: { reason?: string | null; completed?: boolean } = {},
): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE wallet_withdrawals SET status = $3, updated_at = $4,
       reason = CASE WHEN $5::boolean THEN $6 ELSE reason END,
       completed_at = CASE WHEN $7::boolean THEN $4::timestamptz ELSE completed_at END
     WHERE id = $1 AND status = ANY($2) RETURNING id`,
    [id, from, to, iso(nowMs), extra.reason !== undefined, extra.reason ?? null, extra.completed === true],
  );
  return rows.length === 1;
}

/** Deletes a row whose hold the engine refused (it never held anything). */
export async function deleteRefused(db: Queryable, id: string): Promise<void> {
  await db.query("DELETE FROM wallet_withdrawals WHERE id = $1 AND status = 'holding'", [id]);
}

export async function markHoldReleased(db: Queryable, id: string, nowMs: number): Promise<void> {
  await db.query('UPDATE wallet_withdrawals SET hold_released_at = $2 WHERE id = $1', [id, iso(nowMs)]);
}

export async function insertApproval(
  db: Queryable,
  withdrawalId: string,
  adminId: string,
  nowMs: number,
): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO wallet_withdrawal_approvals (withdrawal_id, admin_id, approved_at) VALUES ($1, $2, $3)
     ON CONFLICT DO NOTHING RETURNING admin_id`,
    [withdrawalId, adminId, iso(nowMs)],
  );
  return rows.length === 1;
}

export interface WithdrawalFilter {
  userId?: string;
  status?: WithdrawalStatus;
  asset?: string;
  fromMs?: number;
  toMs?: number;
  limit: number;
  offset: number;
}

export async function listWithdrawals(db: Queryable, f: WithdrawalFilter): Promise<Withdrawal[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (f.userId !== undefined) add('w.user_id = ?', f.userId);
  if (f.status !== undefined) add('w.status = ?', f.status);
  if (f.asset !== undefined) add('w.asset = ?', f.asset);
  if (f.fromMs !== undefined) add('w.created_at >= ?', iso(f.fromMs));
  if (f.toMs !== undefined) add('w.created_at < ?', iso(f.toMs));
  params.push(f.limit, f.offset);
  const { rows } = await db.query(
    `${SELECT_WITHDRAWAL} ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
     ORDER BY w.created_at DESC, w.id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return rows.map(withdrawalOf);
}

/**
 * Claims withdrawals due at the payout adapter: approved ones (→ processing) and processing ones whose
 * last attempt failed retryably and whose back-off has passed. The claim sets a lease so that a
 * concurrent run does not send the same one.
 */
export async function claimForPayout(
  db: Queryable,
  nowMs: number,
  leaseMs: number,
  limit: number,
): Promise<Withdrawal[]> {
  const { rows } = await db.query(
    `UPDATE wallet_withdrawals SET status = 'processing', updated_at = $1, next_attempt_at = $2,
       payout_attempts = payout_attempts + 1
     WHERE id IN (
       SELECT id FROM wallet_withdrawals
       WHERE status = 'approved'
          OR (status = 'processing' AND payout_tx_id IS NULL AND NOT payout_awaiting AND next_attempt_at <= $1)
       ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING id`,
    [iso(nowMs), iso(nowMs + leaseMs), limit],
  );
  const claimed: Withdrawal[] = [];
  for (const r of rows) {
    const w = await findWithdrawal(db, String(r.id));
    if (w !== null) claimed.push(w);
  }
  return claimed;
}

export async function recordPayout(
  db: Queryable,
  id: string,
  adapter: string,
  txId: string | null,
  nowMs: number,
): Promise<void> {
  await db.query(
    `UPDATE wallet_withdrawals SET payout_adapter = $2, payout_tx_id = $3, payout_awaiting = $4, updated_at = $5
     WHERE id = $1`,
    [id, adapter, txId, txId === null, iso(nowMs)],
  );
}

export async function recordRetry(
  db: Queryable,
  id: string,
  reason: string,
  nextAttemptMs: number,
  nowMs: number,
): Promise<void> {
  await db.query(
    'UPDATE wallet_withdrawals SET reason = $2, next_attempt_at = $3, updated_at = $4 WHERE id = $1',
    [id, reason, iso(nextAttemptMs), iso(nowMs)],
  );
}

/** Ids in a state, oldest first (for the jobs). */
export async function idsWhere(
  db: Queryable,
  condition: 'sent-unsettled' | 'release-outstanding' | 'holding-stale' | 'pending-expired',
  beforeMs: number,
  limit: number,
): Promise<string[]> {
  const sql = {
    'sent-unsettled': "status = 'processing' AND payout_tx_id IS NOT NULL",
    'release-outstanding':
      "status IN ('rejected', 'cancelled', 'expired', 'failed') AND hold_released_at IS NULL",
    'holding-stale': "status = 'holding' AND updated_at < $1",
    'pending-expired': "status = 'pending' AND created_at < $1",
  }[condition];
  const usesTime = sql.includes('$1');
  const { rows } = await db.query(
    `SELECT id FROM wallet_withdrawals WHERE ${sql} ORDER BY created_at LIMIT ${usesTime ? '$2' : '$1'}`,
    usesTime ? [iso(beforeMs), limit] : [limit],
  );
  return rows.map((r) => String(r.id));
}
