// Currencies and their networks. Creating an asset registers it in the engine (its precision is the
// engine's scale and never changes); creating a network defines the engine's outside-world account
// for it. Every change is audited.
import type { Database } from '@tradeloom/db';
import { type AuditSink, DomainError, newId } from '@tradeloom/kernel';
import { formatUnits, parseUnits } from '../amounts.js';
import type { WalletEngine } from '../engine/wallet-engine.js';
import type { Asset, AssetKind, AssetLimits, AssetStatus, Network } from './asset.js';
import * as repo from './asset-repository.js';

export interface CreateAssetInput {
  code: string;
  name: string;
  kind: AssetKind;
  precision: number;
  iconUrl?: string | null;
  sortOrder?: number;
}

export interface UpdateAssetInput {
  name?: string;
  iconUrl?: string | null;
  status?: AssetStatus;
  sortOrder?: number;
}

/** Network settings as the API sends them: amounts as decimal strings at the asset's precision. */
export interface NetworkSettingsInput {
  name?: string;
  depositEnabled?: boolean;
  withdrawEnabled?: boolean;
  withdrawFee?: string;
  withdrawMin?: string;
  withdrawMax?: string | null;
  depositMin?: string;
  confirmations?: number;
  memoRequired?: boolean;
  addressPattern?: string | null;
}

export interface LimitsInput {
  withdrawDailyMax: string | null;
  withdrawPerTxMax: string | null;
  depositDailyMax: string | null;
}

/** A network with its amounts as decimal strings. */
export interface NetworkView
  extends Omit<Network, 'withdrawFee' | 'withdrawMin' | 'withdrawMax' | 'depositMin'> {
  withdrawFee: string;
  withdrawMin: string;
  withdrawMax: string | null;
  depositMin: string;
}

export interface AssetView extends Asset {
  networks: NetworkView[];
}

export interface AssetService {
  createAsset(input: CreateAssetInput, actor: string): Promise<Asset>;
  updateAsset(code: string, input: UpdateAssetInput, actor: string): Promise<Asset>;
  /** The asset, or WALLET_ASSET_NOT_FOUND. */
  getAsset(code: string): Promise<Asset>;
  /** An active asset, or WALLET_ASSET_NOT_FOUND / WALLET_ASSET_DISABLED. */
  activeAsset(code: string): Promise<Asset>;
  listAssets(options?: { includeDisabled?: boolean }): Promise<AssetView[]>;
  createNetwork(
    asset: string,
    network: string,
    input: NetworkSettingsInput,
    actor: string,
  ): Promise<NetworkView>;
  updateNetwork(id: string, input: NetworkSettingsInput, actor: string): Promise<NetworkView>;
  /** The network by id, or WALLET_NETWORK_NOT_FOUND. */
  getNetwork(id: string): Promise<Network>;
  /** The network of an asset by its slug, or WALLET_NETWORK_NOT_FOUND. */
  networkOf(asset: string, network: string): Promise<Network>;
  setLimits(asset: string, kycLevel: number, input: LimitsInput, actor: string): Promise<AssetLimits>;
  /** The limits that apply at a KYC level (the nearest configured level at or below it). */
  limitsFor(asset: string, kycLevel: number): Promise<AssetLimits>;
  listLimits(asset: string): Promise<AssetLimits[]>;
}

export function viewOfNetwork(n: Network, precision: number): NetworkView {
  return {
    ...n,
    withdrawFee: formatUnits(n.withdrawFee, precision),
    withdrawMin: formatUnits(n.withdrawMin, precision),
    withdrawMax: n.withdrawMax === null ? null : formatUnits(n.withdrawMax, precision),
    depositMin: formatUnits(n.depositMin, precision),
  };
}

function checkPattern(pattern: string | null | undefined): void {
  if (pattern === null || pattern === undefined) return;
  try {
    new RegExp(pattern, 'u');
  } catch {
    throw new DomainError('VALIDATION_FAILED', 'addressPattern is not a valid regular expression', {
      field: 'addressPattern',
    });
  }
}

export function createAssetService(deps: {
  database: Database;
  engine: WalletEngine;
  audit: AuditSink;
}): AssetService {
  const { database: db, engine, audit } = deps;

  const getAsset = async (code: string): Promise<Asset> => {
    const asset = await repo.findAsset(db, code);
    if (asset === null) throw new DomainError('WALLET_ASSET_NOT_FOUND', `No asset ${code}`);
    return asset;
  };

  const getNetwork = async (id: string): Promise<Network> => {
    const network = await repo.findNetwork(db, id);
    if (network === null) throw new DomainError('WALLET_NETWORK_NOT_FOUND', `No network ${id}`);
    return network;
  };

  const applySettings = (n: Network, input: NetworkSettingsInput, precision: number): Network => {
    checkPattern(input.addressPattern);
    const units = (text: string, field: string) => parseUnits(text, precision, field, true);
    const next: Network = {
      ...n,
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(input.depositEnabled === undefined ? {} : { depositEnabled: input.depositEnabled }),
      ...(input.withdrawEnabled === undefined ? {} : { withdrawEnabled: input.withdrawEnabled }),
      ...(input.withdrawFee === undefined ? {} : { withdrawFee: units(input.withdrawFee, 'withdrawFee') }),
      ...(input.withdrawMin === undefined ? {} : { withdrawMin: units(input.withdrawMin, 'withdrawMin') }),
      ...(input.withdrawMax === undefined
        ? {}
        : { withdrawMax: input.withdrawMax === null ? null : units(input.withdrawMax, 'withdrawMax') }),
      ...(input.depositMin === undefined ? {} : { depositMin: units(input.depositMin, 'depositMin') }),
      ...(input.confirmations === undefined ? {} : { confirmations: input.confirmations }),
      ...(input.memoRequired === undefined ? {} : { memoRequired: input.memoRequired }),
      ...(input.addressPattern === undefined ? {} : { addressPattern: input.addressPattern }),
    };
    if (next.withdrawMax !== null && next.withdrawMax < next.withdrawMin) {
      throw new DomainError('VALIDATION_FAILED', 'withdrawMax is below withdrawMin', {
        field: 'withdrawMax',
      });
    }
    if (next.withdrawMax === 0) {
      throw new DomainError('VALIDATION_FAILED', 'withdrawMax must be positive or null', {
        field: 'withdrawMax',
      });
    }
    return next;
  };

  return {
    getAsset,
    getNetwork,

    async activeAsset(code) {
      const asset = await getAsset(code);
      if (asset.status !== 'active') throw new DomainError('WALLET_ASSET_DISABLED', `${code} is disabled`);
      return asset;
    },

    async createAsset(input, actor) {
      const asset: Asset = {
        code: input.code,
        name: input.name,
        kind: input.kind,
        precision: input.precision,
        iconUrl: input.iconUrl ?? null,
        status: 'active',
        sortOrder: input.sortOrder ?? 0,
      };
      // The row is written and the engine told in one transaction: a refused engine command leaves no row.
      await db.transaction(async (tx) => {
        if (!(await repo.insertAsset(tx, asset))) {
          throw new DomainError('WALLET_ASSET_EXISTS', `Asset ${asset.code} exists`);
        }
        await engine.ensureAsset(asset.code, asset.precision);
        await audit.record(
          { actor, action: 'wallet.asset.create', target: `asset:${asset.code}`, after: asset },
          tx,
        );
      });
      return asset;
    },

    async updateAsset(code, input, actor) {
      return db.transaction(async (tx) => {
        const before = await repo.findAsset(tx, code, true);
        if (before === null) throw new DomainError('WALLET_ASSET_NOT_FOUND', `No asset ${code}`);
        const after: Asset = {
          ...before,
          ...(input.name === undefined ? {} : { name: input.name }),
          ...(input.iconUrl === undefined ? {} : { iconUrl: input.iconUrl }),
          ...(input.status === undefined ? {} : { status: input.status }),
          ...(input.sortOrder === undefined ? {} : { sortOrder: input.sortOrder }),
        };
        await repo.updateAsset(tx, after);
        await audit.record(
          { actor, action: 'wallet.asset.update', target: `asset:${code}`, before, after },
          tx,
        );
        return after;
      });
    },

    async listAssets(options = {}) {
      const assets = await repo.listAssets(db, options.includeDisabled === true);
      const networks = await repo.listNetworks(db);
      return assets.map((a) => ({
        ...a,
        networks: networks
          .filter(
            (n) =>
              n.asset === a.code &&
              (options.includeDisabled === true || n.depositEnabled || n.withdrawEnabled),
          )
          .map((n) => viewOfNetwork(n, a.precision)),
      }));
    },

    async createNetwork(assetCode, networkCode, input, actor) {
      const asset = await getAsset(assetCode);
      const base: Network = {
        id: newId('net'),
        asset: asset.code,
        network: networkCode,
        name: input.name ?? networkCode,
        depositEnabled: true,
        withdrawEnabled: true,
        withdrawFee: 0,
        withdrawMin: 0,
        withdrawMax: null,
        depositMin: 0,
        confirmations: 1,
        memoRequired: false,
        addressPattern: null,
      };
      const network = applySettings(base, input, asset.precision);
      await db.transaction(async (tx) => {
        if (!(await repo.insertNetwork(tx, network))) {
          throw new DomainError('WALLET_NETWORK_EXISTS', `${asset.code} already has network ${networkCode}`);
        }
        await engine.ensureExternalAccount(network.network);
        await audit.record(
          { actor, action: 'wallet.network.create', target: `network:${network.id}`, after: network },
          tx,
        );
      });
      return viewOfNetwork(network, asset.precision);
    },

    async updateNetwork(id, input, actor) {
      return db.transaction(async (tx) => {
        const before = await repo.findNetwork(tx, id);
        if (before === null) throw new DomainError('WALLET_NETWORK_NOT_FOUND', `No network ${id}`);
        const asset = await getAsset(before.asset);
        const after = applySettings(before, input, asset.precision);
        await repo.updateNetwork(tx, after);
        await audit.record(
          { actor, action: 'wallet.network.update', target: `network:${id}`, before, after },
          tx,
        );
        return viewOfNetwork(after, asset.precision);
      });
    },

    async networkOf(assetCode, networkCode) {
      const network = await repo.findNetworkByCode(db, assetCode, networkCode);
      if (network === null) {
        throw new DomainError('WALLET_NETWORK_NOT_FOUND', `${assetCode} has no network ${networkCode}`);
      }
      return network;
    },

    async setLimits(assetCode, kycLevel, input, actor) {
      const asset = await getAsset(assetCode);
      const units = (text: string | null, field: string) =>
        text === null ? null : parseUnits(text, asset.precision, field, true);
      const limits: AssetLimits = {
        asset: asset.code,
        kycLevel,
        withdrawDailyMax: units(input.withdrawDailyMax, 'withdrawDailyMax'),
        withdrawPerTxMax: units(input.withdrawPerTxMax, 'withdrawPerTxMax'),
        depositDailyMax: units(input.depositDailyMax, 'depositDailyMax'),
      };
      await db.transaction(async (tx) => {
        await repo.upsertLimits(tx, limits);
        await audit.record(
          { actor, action: 'wallet.limits.set', target: `asset:${asset.code}:kyc${kycLevel}`, after: limits },
          tx,
        );
      });
      return limits;
    },

    limitsFor: (asset, kycLevel) => repo.findLimits(db, asset, kycLevel),
    listLimits: (asset) => repo.listLimits(db, asset),
  };
}
