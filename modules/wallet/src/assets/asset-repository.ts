import type { Queryable } from '@tradeloom/db';
import type { Asset, AssetKind, AssetLimits, AssetStatus, Network } from './asset.js';

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function assetOf(r: Record<string, unknown>): Asset {
  return {
    code: String(r.code),
    name: String(r.name),
    kind: r.kind as AssetKind,
    precision: num(r.precision),
    iconUrl: r.icon_url === null ? null : String(r.icon_url),
    status: r.status as AssetStatus,
    sortOrder: num(r.sort_order),
  };
}

function networkOf(r: Record<string, unknown>): Network {
  return {
    id: String(r.id),
    asset: String(r.asset),
    network: String(r.network),
    name: String(r.name),
    depositEnabled: r.deposit_enabled === true,
    withdrawEnabled: r.withdraw_enabled === true,
    withdrawFee: num(r.withdraw_fee),
    withdrawMin: num(r.withdraw_min),
    withdrawMax: numOrNull(r.withdraw_max),
    depositMin: num(r.deposit_min),
    confirmations: num(r.confirmations),
    memoRequired: r.memo_required === true,
    addressPattern: r.address_pattern === null ? null : String(r.address_pattern),
  };
}

export async function insertAsset(db: Queryable, a: Asset): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO wallet_assets (code, name, kind, precision, icon_url, status, sort_order)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (code) DO NOTHING RETURNING code`,
    [a.code, a.name, a.kind, a.precision, a.iconUrl, a.status, a.sortOrder],
  );
  return rows.length === 1;
}

export async function updateAsset(db: Queryable, a: Asset): Promise<void> {
  await db.query(
    `UPDATE wallet_assets SET name = $2, icon_url = $3, status = $4, sort_order = $5, updated_at = now()
     WHERE code = $1`,
    [a.code, a.name, a.iconUrl, a.status, a.sortOrder],
  );
}

export async function findAsset(db: Queryable, code: string, forUpdate = false): Promise<Asset | null> {
  const { rows } = await db.query(
    `SELECT * FROM wallet_assets WHERE code = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [code],
  );
  return rows[0] === undefined ? null : assetOf(rows[0]);
}

export async function listAssets(db: Queryable, includeDisabled: boolean): Promise<Asset[]> {
  const { rows } = await db.query(
    `SELECT * FROM wallet_assets ${includeDisabled ? '' : "WHERE status = 'active'"} ORDER BY sort_order, code`,
  );
  return rows.map(assetOf);
}

export async function insertNetwork(db: Queryable, n: Network): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO wallet_networks (id, asset, network, name, deposit_enabled, withdraw_enabled, withdraw_fee,
       withdraw_min, withdraw_max, deposit_min, confirmations, memo_required, address_pattern)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (asset, network) DO NOTHING RETURNING id`,
    [
      n.id,
      n.asset,
      n.network,
      n.name,
      n.depositEnabled,
      n.withdrawEnabled,
      n.withdrawFee,
      n.withdrawMin,
      n.withdrawMax,
      n.depositMin,
      n.confirmations,
      n.memoRequired,
      n.addressPattern,
    ],
  );
  return rows.length === 1;
}

export async function updateNetwork(db: Queryable, n: Network): Promise<void> {
  await db.query(
    `UPDATE wallet_networks SET name = $2, deposit_enabled = $3, withdraw_enabled = $4, withdraw_fee = $5,
       withdraw_min = $6, withdraw_max = $7, deposit_min = $8, confirmations = $9, memo_required = $10,
       address_pattern = $11, updated_at = now()
     WHERE id = $1`,
    [
      n.id,
      n.name,
      n.depositEnabled,
      n.withdrawEnabled,
      n.withdrawFee,
      n.withdrawMin,
      n.withdrawMax,
      n.depositMin,
      n.confirmations,
      n.memoRequired,
      n.addressPattern,
    ],
  );
}

export async function findNetwork(db: Queryable, id: string): Promise<Network | null> {
  const { rows } = await db.query('SELECT * FROM wallet_networks WHERE id = $1', [id]);
  return rows[0] === undefined ? null : networkOf(rows[0]);
}

export async function findNetworkByCode(
  db: Queryable,
  asset: string,
  network: string,
): Promise<Network | null> {
  const { rows } = await db.query('SELECT * FROM wallet_networks WHERE asset = $1 AND network = $2', [
    asset,
    network,
  ]);
  return rows[0] === undefined ? null : networkOf(rows[0]);
}

export async function listNetworks(db: Queryable, asset?: string): Promise<Network[]> {
  const { rows } =
    asset === undefined
      ? await db.query('SELECT * FROM wallet_networks ORDER BY asset, network')
      : await db.query('SELECT * FROM wallet_networks WHERE asset = $1 ORDER BY network', [asset]);
  return rows.map(networkOf);
}

export async function upsertLimits(db: Queryable, l: AssetLimits): Promise<void> {
  await db.query(
    `INSERT INTO wallet_limits (asset, kyc_level, withdraw_daily_max, withdraw_per_tx_max, deposit_daily_max)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (asset, kyc_level) DO UPDATE SET withdraw_daily_max = EXCLUDED.withdraw_daily_max,
       withdraw_per_tx_max = EXCLUDED.withdraw_per_tx_max, deposit_daily_max = EXCLUDED.deposit_daily_max`,
    [l.asset, l.kycLevel, l.withdrawDailyMax, l.withdrawPerTxMax, l.depositDailyMax],
  );
}

/** The limits at a level: its own row, else the highest configured level below it, else none. */
export async function findLimits(db: Queryable, asset: string, kycLevel: number): Promise<AssetLimits> {
  const { rows } = await db.query(
    `SELECT * FROM wallet_limits WHERE asset = $1 AND kyc_level <= $2 ORDER BY kyc_level DESC LIMIT 1`,
    [asset, kycLevel],
  );
  const r = rows[0];
  return {
    asset,
    kycLevel,
    withdrawDailyMax: numOrNull(r?.withdraw_daily_max),
    withdrawPerTxMax: numOrNull(r?.withdraw_per_tx_max),
    depositDailyMax: numOrNull(r?.deposit_daily_max),
  };
}

export async function listLimits(db: Queryable, asset: string): Promise<AssetLimits[]> {
  const { rows } = await db.query('SELECT * FROM wallet_limits WHERE asset = $1 ORDER BY kyc_level', [asset]);
  return rows.map((r) => ({
    asset,
    kycLevel: num(r.kyc_level),
    withdrawDailyMax: numOrNull(r.withdraw_daily_max),
    withdrawPerTxMax: numOrNull(r.withdraw_per_tx_max),
    depositDailyMax: numOrNull(r.deposit_daily_max),
  }));
}
