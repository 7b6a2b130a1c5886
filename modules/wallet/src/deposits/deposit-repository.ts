// SQL of the deposit part. Times are written from the service's clock (ISO strings) and read back as
// epoch milliseconds.
import type { Queryable } from '@tradeloom/db';
import type {
  Deposit,
  DepositAddress,
  DepositMethod,
  DepositMethodField,
  DepositSource,
  DepositStatus,
} from './deposit.js';

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const iso = (ms: number): string => new Date(ms).toISOString();
const ms = (column: string, as: string) => `(extract(epoch from ${column}) * 1000)::bigint AS ${as}`;

const METHOD_COLUMNS = `m.*, n.network AS network_slug`;
const DEPOSIT_COLUMNS = `d.*, ${ms('d.created_at', 'created_ms')}, ${ms('d.updated_at', 'updated_ms')},
  ${ms('d.decided_at', 'decided_ms')}, ${ms('d.credited_at', 'credited_ms')}`;

function methodOf(r: Record<string, unknown>): DepositMethod {
  return {
    id: String(r.id),
    kind: r.kind as DepositMethod['kind'],
    gateway: strOrNull(r.gateway),
    networkId: String(r.network_id),
    network: String(r.network_slug),
    asset: String(r.asset),
    name: String(r.name),
    instructions: String(r.instructions),
    fields: r.fields as DepositMethodField[],
    feeFixed: num(r.fee_fixed),
    feePpm: num(r.fee_ppm),
    minAmount: num(r.min_amount),
    maxAmount: numOrNull(r.max_amount),
    enabled: r.enabled === true,
  };
}

function depositOf(r: Record<string, unknown>): Deposit {
  return {
    id: String(r.id),
    seq: num(r.seq),
    userId: String(r.user_id),
    source: r.source as DepositSource,
    methodId: strOrNull(r.method_id),
    asset: String(r.asset),
    networkId: String(r.network_id),
    network: String(r.network),
    amount: num(r.amount),
    fee: num(r.fee),
    net: num(r.net),
    reference: strOrNull(r.reference),
    fields: r.fields as Record<string, string>,
    status: r.status as DepositStatus,
    rejectReason: strOrNull(r.reject_reason),
    decidedBy: strOrNull(r.decided_by),
    engineKey: String(r.engine_key),
    engineSeq: numOrNull(r.engine_seq),
    feeEngineSeq: numOrNull(r.fee_engine_seq),
    gateway: strOrNull(r.gateway),
    providerRef: strOrNull(r.provider_ref),
    redirectUrl: strOrNull(r.redirect_url),
    chainTxHash: strOrNull(r.chain_tx_hash),
    chainOutputIndex: numOrNull(r.chain_output_index),
    chainAddress: strOrNull(r.chain_address),
    confirmations: numOrNull(r.confirmations),
    createdAtMs: num(r.created_ms),
    updatedAtMs: num(r.updated_ms),
    decidedAtMs: numOrNull(r.decided_ms),
    creditedAtMs: numOrNull(r.credited_ms),
  };
}

// ---- methods

export async function insertMethod(db: Queryable, m: DepositMethod): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO wallet_deposit_methods (id, kind, gateway, network_id, asset, name, instructions, fields,
       fee_fixed, fee_ppm, min_amount, max_amount, enabled)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (asset, name) DO NOTHING RETURNING id`,
    [
      m.id,
      m.kind,
      m.gateway,
      m.networkId,
      m.asset,
      m.name,
      m.instructions,
      JSON.stringify(m.fields),
      m.feeFixed,
      m.feePpm,
      m.minAmount,
      m.maxAmount,
      m.enabled,
    ],
  );
  return rows.length === 1;
}

/** False when another method of the asset has the name. */
export async function updateMethod(db: Queryable, m: DepositMethod): Promise<boolean> {
  const clash = await db.query(
    'SELECT 1 FROM wallet_deposit_methods WHERE asset = $1 AND name = $2 AND id <> $3',
    [m.asset, m.name, m.id],
  );
  if (clash.rows.length > 0) return false;
  await db.query(
    `UPDATE wallet_deposit_methods SET name = $2, instructions = $3, fields = $4, fee_fixed = $5, fee_ppm = $6,
       min_amount = $7, max_amount = $8, enabled = $9, updated_at = now()
     WHERE id = $1`,
    [
      m.id,
      m.name,
      m.instructions,
      JSON.stringify(m.fields),
      m.feeFixed,
      m.feePpm,
      m.minAmount,
      m.maxAmount,
      m.enabled,
    ],
  );
  return true;
}

export async function findMethod(
  db: Queryable,
  id: string,
  forUpdate = false,
): Promise<DepositMethod | null> {
  const { rows } = await db.query(
    `SELECT ${METHOD_COLUMNS} FROM wallet_deposit_methods m JOIN wallet_networks n ON n.id = m.network_id
     WHERE m.id = $1${forUpdate ? ' FOR UPDATE OF m' : ''}`,
    [id],
  );
  return rows[0] === undefined ? null : methodOf(rows[0]);
}

export async function listMethods(
  db: Queryable,
  filter: { usableOnly: boolean; asset?: string },
): Promise<DepositMethod[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.usableOnly) {
    where.push(`m.enabled AND n.deposit_enabled AND a.status = 'active'`);
  }
  if (filter.asset !== undefined) {
    params.push(filter.asset);
    where.push(`m.asset = $${params.length}`);
  }
  const { rows } = await db.query(
    `SELECT ${METHOD_COLUMNS} FROM wallet_deposit_methods m
       JOIN wallet_networks n ON n.id = m.network_id JOIN wallet_assets a ON a.code = m.asset
     ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY m.asset, m.name`,
    params,
  );
  return rows.map(methodOf);
}

/** Deletes a method no deposit refers to: 'deleted', 'in-use' or 'missing'. */
export async function deleteMethod(db: Queryable, id: string): Promise<'deleted' | 'in-use' | 'missing'> {
  const used = await db.query('SELECT 1 FROM wallet_deposits WHERE method_id = $1 LIMIT 1', [id]);
  if (used.rows.length > 0) return 'in-use';
  const { rows } = await db.query('DELETE FROM wallet_deposit_methods WHERE id = $1 RETURNING id', [id]);
  return rows.length === 1 ? 'deleted' : 'missing';
}

// ---- deposits

export interface NewDeposit {
  id: string;
  userId: string;
  source: DepositSource;
  methodId: string | null;
  asset: string;
  networkId: string;
  network: string;
  amount: number;
  fee: number;
  reference: string | null;
  fields: Record<string, string>;
  engineKey: string;
  gateway: string | null;
  chain: { txHash: string; outputIndex: number; address: string; confirmations: number } | null;
  nowMs: number;
}

/** Inserts a pending deposit; for a chain deposit, returns null when the output is already recorded. */
export async function insertDeposit(db: Queryable, d: NewDeposit): Promise<Deposit | null> {
  const { rows } = await db.query(
    `INSERT INTO wallet_deposits AS d (id, user_id, source, method_id, asset, network_id, network, amount, fee, net,
       reference, fields, status, engine_key, gateway, chain_tx_hash, chain_output_index, chain_address,
       confirmations, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'pending', $13, $14, $15, $16, $17, $18, $19, $19)
     ON CONFLICT DO NOTHING RETURNING ${DEPOSIT_COLUMNS}`,
    [
      d.id,
      d.userId,
      d.source,
      d.methodId,
      d.asset,
      d.networkId,
      d.network,
      d.amount,
      d.fee,
      d.amount - d.fee,
      d.reference,
      JSON.stringify(d.fields),
      d.engineKey,
      d.gateway,
      d.chain?.txHash ?? null,
      d.chain?.outputIndex ?? null,
      d.chain?.address ?? null,
      d.chain?.confirmations ?? null,
      iso(d.nowMs),
    ],
  );
  return rows[0] === undefined ? null : depositOf(rows[0]);
}

export async function findDeposit(db: Queryable, id: string, forUpdate = false): Promise<Deposit | null> {
  const { rows } = await db.query(
    `SELECT ${DEPOSIT_COLUMNS} FROM wallet_deposits d WHERE d.id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] === undefined ? null : depositOf(rows[0]);
}

export async function findDepositByProviderRef(
  db: Queryable,
  gateway: string,
  providerRef: string,
): Promise<Deposit | null> {
  const { rows } = await db.query(
    `SELECT ${DEPOSIT_COLUMNS} FROM wallet_deposits d WHERE d.gateway = $1 AND d.provider_ref = $2`,
    [gateway, providerRef],
  );
  return rows[0] === undefined ? null : depositOf(rows[0]);
}

export async function findChainDeposit(
  db: Queryable,
  network: string,
  txHash: string,
  outputIndex: number,
): Promise<Deposit | null> {
  const { rows } = await db.query(
    `SELECT ${DEPOSIT_COLUMNS} FROM wallet_deposits d
     WHERE d.network = $1 AND d.chain_tx_hash = $2 AND d.chain_output_index = $3`,
    [network, txHash, outputIndex],
  );
  return rows[0] === undefined ? null : depositOf(rows[0]);
}

export interface DepositFilter {
  userId?: string;
  status?: DepositStatus;
  asset?: string;
  source?: DepositSource;
  /** Rows with a smaller seq than this (the previous page's nextCursor). */
  beforeSeq?: number;
  offset?: number;
  limit: number;
}

/** Newest first. */
export async function listDeposits(db: Queryable, filter: DepositFilter): Promise<Deposit[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.userId !== undefined) add('d.user_id = ?', filter.userId);
  if (filter.status !== undefined) add('d.status = ?', filter.status);
  if (filter.asset !== undefined) add('d.asset = ?', filter.asset);
  if (filter.source !== undefined) add('d.source = ?', filter.source);
  if (filter.beforeSeq !== undefined) add('d.seq < ?', filter.beforeSeq);
  params.push(filter.limit, filter.offset ?? 0);
  const { rows } = await db.query(
    `SELECT ${DEPOSIT_COLUMNS} FROM wallet_deposits d ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY d.seq DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return rows.map(depositOf);
}

/**
 * Moves a deposit from one of `from` to `to` when it is still there (the only way a status changes,
 * so two racing decisions cannot both win); null when it was not in `from`.
 */
export async function transition(
  db: Queryable,
  id: string,
  from: readonly DepositStatus[],
  to: DepositStatus,
  nowMs: number,
  decision: { by?: string; reason?: string } = {},
): Promise<Deposit | null> {
  const { rows } = await db.query(
    `UPDATE wallet_deposits d SET status = $3, updated_at = $4,
       decided_by = COALESCE($5, d.decided_by), reject_reason = COALESCE($6, d.reject_reason),
       decided_at = CASE WHEN $5::text IS NULL THEN d.decided_at ELSE $4 END
     WHERE d.id = $1 AND d.status = ANY($2::text[]) RETURNING ${DEPOSIT_COLUMNS}`,
    [id, from, to, iso(nowMs), decision.by ?? null, decision.reason ?? null],
  );
  return rows[0] === undefined ? null : depositOf(rows[0]);
}

/**
 * approved → credited; null when another call got there first. The sequence numbers are those of the
 * commands that moved the money: a repeated key's answer does not carry them (null here), so they
 * are then taken from the read model when it has them already (`backfillEngineSeqs` later otherwise).
 */
export async function markCredited(
  db: Queryable,
  id: string,
  engineSeq: number | null,
  feeEngineSeq: number | null,
  nowMs: number,
): Promise<Deposit | null> {
  const { rows } = await db.query(
    `UPDATE wallet_deposits d SET status = 'credited', credited_at = $4, updated_at = $4,
       engine_seq = COALESCE(d.engine_seq, $2, (SELECT t.command_seq FROM ledger_transfers t WHERE t.key = d.engine_key)),
       fee_engine_seq = CASE WHEN d.fee = 0 THEN NULL ELSE COALESCE(d.fee_engine_seq, $3,
         (SELECT t.command_seq FROM ledger_transfers t WHERE t.key = d.engine_key || ':fee')) END
     WHERE d.id = $1 AND d.status = 'approved' RETURNING ${DEPOSIT_COLUMNS}`,
    [id, engineSeq, feeEngineSeq, iso(nowMs)],
  );
  return rows[0] === undefined ? null : depositOf(rows[0]);
}

/** Records the sequence numbers of the commands that moved the money (whoever marked the deposit). */
export async function recordEngineSeqs(
  db: Queryable,
  id: string,
  engineSeq: number | null,
  feeEngineSeq: number | null,
): Promise<void> {
  await db.query(
    `UPDATE wallet_deposits SET engine_seq = COALESCE(engine_seq, $2), fee_engine_seq = COALESCE(fee_engine_seq, $3)
     WHERE id = $1`,
    [id, engineSeq, feeEngineSeq],
  );
}

/** Credited deposits whose sequence numbers were unknown when marked: taken from the read model. */
export async function backfillEngineSeqs(db: Queryable): Promise<void> {
  await db.query(
    `UPDATE wallet_deposits d SET engine_seq = t.command_seq FROM ledger_transfers t
     WHERE d.status = 'credited' AND d.engine_seq IS NULL AND t.key = d.engine_key`,
  );
  await db.query(
    `UPDATE wallet_deposits d SET fee_engine_seq = t.command_seq FROM ledger_transfers t
     WHERE d.status = 'credited' AND d.fee > 0 AND d.fee_engine_seq IS NULL AND t.key = d.engine_key || ':fee'`,
  );
}

export async function setGatewayPayment(
  db: Queryable,
  id: string,
  providerRef: string,
  redirectUrl: string | null,
  nowMs: number,
): Promise<Deposit | null> {
  const { rows } = await db.query(
    `UPDATE wallet_deposits d SET provider_ref = $2, redirect_url = $3, updated_at = $4
     WHERE d.id = $1 RETURNING ${DEPOSIT_COLUMNS}`,
    [id, providerRef, redirectUrl, iso(nowMs)],
  );
  return rows[0] === undefined ? null : depositOf(rows[0]);
}

export async function raiseConfirmations(
  db: Queryable,
  id: string,
  confirmations: number,
  nowMs: number,
): Promise<void> {
  await db.query(
    `UPDATE wallet_deposits SET confirmations = $2, updated_at = $3 WHERE id = $1 AND confirmations < $2`,
    [id, confirmations, iso(nowMs)],
  );
}

/** Gross amount the user deposited (pending, approved or credited) in an asset since a time. */
export async function depositedSince(
  db: Queryable,
  userId: string,
  asset: string,
  sinceMs: number,
): Promise<bigint> {
  const { rows } = await db.query(
    `SELECT COALESCE(sum(amount), 0)::text AS total FROM wallet_deposits
     WHERE user_id = $1 AND asset = $2 AND status IN ('pending', 'approved', 'credited') AND created_at > $3`,
    [userId, asset, iso(sinceMs)],
  );
  return BigInt(String(rows[0]?.total ?? '0'));
}

/** Pending manual and gateway deposits created before a time (chain deposits wait for the chain). */
export async function stalePending(db: Queryable, beforeMs: number, limit: number): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT id FROM wallet_deposits WHERE status = 'pending' AND source <> 'chain' AND created_at < $1
     ORDER BY created_at LIMIT $2`,
    [iso(beforeMs), limit],
  );
  return rows.map((r) => String(r.id));
}

/** Deposits decided but not yet marked credited (a crash between the engine and the database). */
export async function approvedBefore(db: Queryable, beforeMs: number, limit: number): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT id FROM wallet_deposits WHERE status = 'approved' AND updated_at < $1 ORDER BY updated_at LIMIT $2`,
    [iso(beforeMs), limit],
  );
  return rows.map((r) => String(r.id));
}

// ---- gateway events

/** Records a verified event; false when the gateway sent this event id before. */
export async function insertGatewayEvent(
  db: Queryable,
  e: {
    gateway: string;
    eventId: string;
    providerRef: string;
    status: string;
    depositId: string | null;
    outcome: string;
    nowMs: number;
  },
): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO wallet_gateway_events (gateway, event_id, provider_ref, status, deposit_id, outcome, received_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING event_id`,
    [e.gateway, e.eventId, e.providerRef, e.status, e.depositId, e.outcome, iso(e.nowMs)],
  );
  return rows.length === 1;
}

// ---- addresses

function addressOf(r: Record<string, unknown>): DepositAddress {
  return {
    id: String(r.id),
    userId: String(r.user_id),
    networkId: String(r.network_id),
    address: String(r.address),
    memo: String(r.memo),
    createdAtMs: num(r.created_ms),
  };
}

const ADDRESS_COLUMNS = `*, ${ms('created_at', 'created_ms')}`;

export async function findAddressOfUser(
  db: Queryable,
  userId: string,
  networkId: string,
): Promise<DepositAddress | null> {
  const { rows } = await db.query(
    `SELECT ${ADDRESS_COLUMNS} FROM wallet_deposit_addresses WHERE user_id = $1 AND network_id = $2
     ORDER BY created_at DESC LIMIT 1`,
    [userId, networkId],
  );
  return rows[0] === undefined ? null : addressOf(rows[0]);
}

export async function findAddress(
  db: Queryable,
  networkId: string,
  address: string,
  memo: string,
): Promise<DepositAddress | null> {
  const { rows } = await db.query(
    `SELECT ${ADDRESS_COLUMNS} FROM wallet_deposit_addresses WHERE network_id = $1 AND address = $2 AND memo = $3`,
    [networkId, address, memo],
  );
  return rows[0] === undefined ? null : addressOf(rows[0]);
}

/** False when the address is already someone's. */
export async function insertAddress(
  db: Queryable,
  a: { id: string; userId: string; networkId: string; address: string; memo: string; nowMs: number },
): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO wallet_deposit_addresses (id, user_id, network_id, address, memo, created_at)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id`,
    [a.id, a.userId, a.networkId, a.address, a.memo, iso(a.nowMs)],
  );
  return rows.length === 1;
}
