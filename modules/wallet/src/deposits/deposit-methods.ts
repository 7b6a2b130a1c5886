// Deposit methods: what the admin defines (manual/fiat or a payment gateway), audited.
import { DomainError, newId } from '@tradeloom/kernel';
import { parseUnits } from '../amounts.js';
import type { WalletContext } from '../wallet-context.js';
import type { DepositMethod, DepositMethodField, DepositMethodKind } from './deposit.js';
import type { Actor, DepositKit, DepositMethodView } from './deposit-kit.js';
import * as repo from './deposit-repository.js';
import type { PaymentGatewayAdapter } from './gateways/payment-gateway.js';

export interface DepositMethodInput {
  asset: string;
  /** The network's slug (a network of the asset). */
  network: string;
  kind?: DepositMethodKind;
  gateway?: string | null;
  name: string;
  instructions?: string;
  fields?: DepositMethodField[];
  feeFixed?: string;
  feePpm?: number;
  minAmount?: string;
  maxAmount?: string | null;
  enabled?: boolean;
}

export type DepositMethodUpdate = Partial<
  Pick<
    DepositMethodInput,
    'name' | 'instructions' | 'fields' | 'feeFixed' | 'feePpm' | 'minAmount' | 'maxAmount' | 'enabled'
  >
>;

export interface DepositMethodsService {
  createMethod(input: DepositMethodInput, actor: Actor): Promise<DepositMethodView>;
  updateMethod(id: string, input: DepositMethodUpdate, actor: Actor): Promise<DepositMethodView>;
  /** Deletes a method no deposit refers to (WALLET_DEPOSIT_METHOD_IN_USE otherwise: disable it). */
  deleteMethod(id: string, actor: Actor): Promise<void>;
  getMethod(id: string): Promise<DepositMethodView>;
  /** `usableOnly`: enabled methods of active assets on networks taking deposits (what users see). */
  listMethods(options?: { usableOnly?: boolean; asset?: string }): Promise<DepositMethodView[]>;
}

export function createDepositMethods(
  ctx: WalletContext,
  kit: DepositKit,
  gateways: ReadonlyMap<string, PaymentGatewayAdapter>,
): DepositMethodsService {
  const db = ctx.database;
  const { precisionOf, methodView } = kit;
  const getMethod = async (id: string): Promise<DepositMethod> => {
    const method = await repo.findMethod(db, id);
    if (method === null) throw new DomainError('WALLET_DEPOSIT_METHOD_NOT_FOUND', `No deposit method ${id}`);
    return method;
  };
  return {
    async createMethod(input, actor) {
      const network = await ctx.assets.networkOf(input.asset, input.network);
      const asset = await ctx.assets.getAsset(input.asset);
      const kind = input.kind ?? 'manual';
      const gateway = kind === 'gateway' ? (input.gateway ?? null) : null;
      if (kind === 'gateway' && (gateway === null || !gateways.has(gateway))) {
        throw new DomainError(
          'WALLET_GATEWAY_NOT_FOUND',
          `No payment gateway ${String(gateway)} is configured`,
        );
      }
      if (kind === 'manual' && input.gateway != null) {
        throw new DomainError('VALIDATION_FAILED', 'gateway is only for gateway methods', {
          field: 'gateway',
        });
      }
      const units = (text: string, field: string) => parseUnits(text, asset.precision, field, true);
      const method: DepositMethod = {
        id: newId('dm'),
        kind,
        gateway,
        networkId: network.id,
        network: network.network,
        asset: asset.code,
        name: input.name,
        instructions: input.instructions ?? '',
        fields: input.fields ?? [],
        feeFixed: units(input.feeFixed ?? '0', 'feeFixed'),
        feePpm: input.feePpm ?? 0,
        minAmount: units(input.minAmount ?? '0', 'minAmount'),
        maxAmount:
          input.maxAmount === undefined || input.maxAmount === null
            ? null
            : units(input.maxAmount, 'maxAmount'),
        enabled: input.enabled ?? true,
      };
      checkMethod(method);
      await db.transaction(async (tx) => {
        if (!(await repo.insertMethod(tx, method))) {
          throw new DomainError(
            'WALLET_DEPOSIT_METHOD_EXISTS',
            `${method.asset} has a method named ${method.name}`,
          );
        }
        await ctx.audit.record(
          {
            actor: actor.userId,
            action: 'wallet.deposit-method.create',
            target: `deposit-method:${method.id}`,
            ...(actor.ip ? { ip: actor.ip } : {}),
            after: method,
          },
          tx,
        );
      });
      return methodView(method);
    },

    async updateMethod(id, input, actor) {
      const current = await getMethod(id);
      const precision = await precisionOf(current.asset);
      const units = (text: string, field: string) => parseUnits(text, precision, field, true);
      const after: DepositMethod = {
        ...current,
        ...(input.name === undefined ? {} : { name: input.name }),
        ...(input.instructions === undefined ? {} : { instructions: input.instructions }),
        ...(input.fields === undefined ? {} : { fields: input.fields }),
        ...(input.feeFixed === undefined ? {} : { feeFixed: units(input.feeFixed, 'feeFixed') }),
        ...(input.feePpm === undefined ? {} : { feePpm: input.feePpm }),
        ...(input.minAmount === undefined ? {} : { minAmount: units(input.minAmount, 'minAmount') }),
        ...(input.maxAmount === undefined
          ? {}
          : { maxAmount: input.maxAmount === null ? null : units(input.maxAmount, 'maxAmount') }),
        ...(input.enabled === undefined ? {} : { enabled: input.enabled }),
      };
      checkMethod(after);
      await db.transaction(async (tx) => {
        const before = await repo.findMethod(tx, id, true);
        if (before === null)
          throw new DomainError('WALLET_DEPOSIT_METHOD_NOT_FOUND', `No deposit method ${id}`);
        if (!(await repo.updateMethod(tx, after))) {
          throw new DomainError(
            'WALLET_DEPOSIT_METHOD_EXISTS',
            `${after.asset} has a method named ${after.name}`,
          );
        }
        await ctx.audit.record(
          {
            actor: actor.userId,
            action: 'wallet.deposit-method.update',
            target: `deposit-method:${id}`,
            ...(actor.ip ? { ip: actor.ip } : {}),
            before,
            after,
          },
          tx,
        );
      });
      return methodView(after);
    },

    async deleteMethod(id, actor) {
      await db.transaction(async (tx) => {
        const before = await repo.findMethod(tx, id, true);
        if (before === null)
          throw new DomainError('WALLET_DEPOSIT_METHOD_NOT_FOUND', `No deposit method ${id}`);
        const result = await repo.deleteMethod(tx, id);
        if (result === 'in-use') {
          throw new DomainError(
            'WALLET_DEPOSIT_METHOD_IN_USE',
            'Deposits refer to this method: disable it instead of deleting it',
          );
        }
        await ctx.audit.record(
          {
            actor: actor.userId,
            action: 'wallet.deposit-method.delete',
            target: `deposit-method:${id}`,
            ...(actor.ip ? { ip: actor.ip } : {}),
            before,
          },
          tx,
        );
      });
    },

    async getMethod(id) {
      return methodView(await getMethod(id));
    },

    async listMethods(options = {}) {
      const methods = await repo.listMethods(db, {
        usableOnly: options.usableOnly === true,
        ...(options.asset === undefined ? {} : { asset: options.asset }),
      });
      return Promise.all(methods.map(methodView));
    },
  };
}

function checkMethod(m: DepositMethod): void {
  if (!Number.isInteger(m.feePpm) || m.feePpm < 0 || m.feePpm > 1_000_000) {
    throw new DomainError('VALIDATION_FAILED', 'feePpm must be 0-1000000', { field: 'feePpm' });
  }
  if (m.maxAmount !== null && (m.maxAmount === 0 || m.maxAmount < m.minAmount)) {
    throw new DomainError('VALIDATION_FAILED', 'maxAmount must be positive and at least minAmount', {
      field: 'maxAmount',
    });
  }
}
