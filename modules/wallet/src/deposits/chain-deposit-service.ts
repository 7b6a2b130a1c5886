// Chain deposits as the on-chain integration reports them: recorded by (network, tx, output), credited
// once when they have the network's confirmations; deposit addresses from a generator per network.
import { DomainError, newId } from '@tradeloom/kernel';
import { parseUnits } from '../amounts.js';
import type { WalletContext } from '../wallet-context.js';
import type {
  ChainDepositOutcome,
  ChainDepositSink,
  DepositAddressGenerator,
  ObservedChainDeposit,
} from './chain-deposits.js';
import type { DepositAddress } from './deposit.js';
import type { DepositKit } from './deposit-kit.js';
import * as repo from './deposit-repository.js';

export interface ChainDepositsService extends ChainDepositSink {
  registerAddressGenerator(generator: DepositAddressGenerator): void;
  /** The user's deposit address on a network, made by the network's generator on first use. */
  depositAddress(userId: string, asset: string, network: string): Promise<DepositAddress>;
}

export function createChainDeposits(ctx: WalletContext, kit: DepositKit): ChainDepositsService {
  const db = ctx.database;
  const { precisionOf, settle } = kit;
  const generators = new Map<string, DepositAddressGenerator>();
  return {
    registerAddressGenerator(generator) {
      if (generators.has(generator.network)) {
        throw new Error(`deposit address generator for ${generator.network} registered twice`);
      }
      generators.set(generator.network, generator);
    },

    async depositAddress(userId, assetCode, networkCode) {
      const network = await ctx.assets.networkOf(assetCode, networkCode);
      const existing = await repo.findAddressOfUser(db, userId, network.id);
      if (existing !== null) return existing;
      const generator = generators.get(network.network);
      if (generator === undefined) {
        throw new DomainError(
          'WALLET_DEPOSIT_ADDRESS_UNAVAILABLE',
          `No deposit addresses on ${network.name} yet`,
        );
      }
      if (!network.depositEnabled) {
        throw new DomainError('WALLET_DEPOSITS_DISABLED', `Deposits on ${network.name} are disabled`);
      }
      const made = await generator.generate({ userId, asset: assetCode, network: network.network });
      const address = {
        id: newId('dad'),
        userId,
        networkId: network.id,
        address: made.address,
        memo: made.memo ?? '',
        nowMs: ctx.clock.nowMs(),
      };
      if (!(await repo.insertAddress(db, address))) {
        throw new Error(`deposit address generator for ${network.network} made an address already in use`);
      }
      return { ...address, createdAtMs: address.nowMs };
    },

    async recordChainDeposit(o: ObservedChainDeposit) {
      const network = await ctx.assets.networkOf(o.asset, o.network);
      const precision = await precisionOf(o.asset);
      if (!/^[0-9A-Za-z]{1,80}$/.test(o.txHash)) {
        throw new DomainError('VALIDATION_FAILED', 'txHash: 1-80 letters and digits', { field: 'txHash' });
      }
      if (!Number.isSafeInteger(o.outputIndex) || o.outputIndex < 0 || o.outputIndex > 2_147_483_647) {
        throw new DomainError('VALIDATION_FAILED', 'outputIndex: a non-negative integer', {
          field: 'outputIndex',
        });
      }
      if (!Number.isSafeInteger(o.confirmations) || o.confirmations < 0) {
        throw new DomainError('VALIDATION_FAILED', 'confirmations: a non-negative integer', {
          field: 'confirmations',
        });
      }
      const amount = parseUnits(o.amount, precision);
      const owner = await repo.findAddress(db, network.id, o.address, o.memo ?? '');
      if (owner === null) return { outcome: 'unknown-address' as ChainDepositOutcome, depositId: null };
      const now = ctx.clock.nowMs();
      let d = await repo.findChainDeposit(db, network.network, o.txHash, o.outputIndex);
      if (d === null) {
        const id = newId('dep');
        d =
          (await repo.insertDeposit(db, {
            id,
            userId: owner.userId,
            source: 'chain',
            methodId: null,
            asset: network.asset,
            networkId: network.id,
            network: network.network,
            amount,
            fee: 0,
            reference: null,
            fields: {},
            engineKey: `chain:${network.network}:${o.txHash}:${o.outputIndex}`,
            gateway: null,
            chain: {
              txHash: o.txHash,
              outputIndex: o.outputIndex,
              address: o.address,
              confirmations: o.confirmations,
            },
            nowMs: now,
          })) ?? (await repo.findChainDeposit(db, network.network, o.txHash, o.outputIndex));
        if (d === null)
          throw new Error(`chain deposit ${o.txHash}:${o.outputIndex}: neither inserted nor found`);
      }
      if (d.amount !== amount || d.chainAddress !== o.address || d.asset !== network.asset) {
        // The same output cannot change: a watcher reporting otherwise is broken, and nothing is credited.
        throw new DomainError(
          'VALIDATION_FAILED',
          'This output was recorded with another amount, address or asset',
          {
            depositId: d.id,
          },
        );
      }
      await repo.raiseConfirmations(db, d.id, o.confirmations, now);
      if (d.status === 'pending' && o.confirmations >= network.confirmations) {
        if (amount < network.depositMin) {
          await repo.transition(db, d.id, ['pending'], 'rejected', now, {
            by: 'system',
            reason: 'below the network minimum',
          });
        } else {
          await repo.transition(db, d.id, ['pending'], 'approved', now);
        }
        d = (await repo.findDeposit(db, d.id)) ?? d;
      }
      d = await settle(d);
      const outcome: ChainDepositOutcome =
        d.status === 'credited' ? 'credited' : d.status === 'rejected' ? 'below-minimum' : 'pending';
      return { outcome, depositId: d.id };
    },
  };
}
