// The user's allow-list of withdrawal addresses. Withdrawals go only to addresses listed here, and a
// new one is usable only after a waiting period (unless the user turned it off): a thief with a
// session and one second-factor code cannot drain the account to a fresh address at once, and the
// owner is mailed about each new address in time to react.
import { DomainError, newId } from '@tradeloom/kernel';
import type { Network } from '../assets/asset.js';
import type { WalletContext } from '../wallet-context.js';
import type { WithdrawalAddress } from './withdrawal.js';
import * as repo from './withdrawal-repository.js';

export interface AddAddressInput {
  asset: string;
  /** Network slug or id. */
  network: string;
  address: string;
  memo?: string | null;
  label: string;
  twoFactorCode: string;
}

export interface RequestOrigin {
  ip: string;
  userAgent?: string;
}

/** The network named by slug or id for an asset; WALLET_NETWORK_ASSET_MISMATCH when it is another asset's. */
export async function resolveNetwork(ctx: WalletContext, asset: string, network: string): Promise<Network> {
  if (network.startsWith('net_')) {
    const found = await ctx.assets.getNetwork(network);
    if (found.asset !== asset) throw mismatch(asset, found);
    return found;
  }
  try {
    return await ctx.assets.networkOf(asset, network);
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== 'WALLET_NETWORK_NOT_FOUND') throw error;
    // Name the refusal precisely when the slug is another asset's network.
    const { rows } = await ctx.database.query(
      'SELECT asset FROM wallet_networks WHERE network = $1 LIMIT 1',
      [network],
    );
    if (rows[0] !== undefined) {
      throw new DomainError(
        'WALLET_NETWORK_ASSET_MISMATCH',
        `Network ${network} does not carry ${asset}: it belongs to another asset`,
        { asset, network },
      );
    }
    throw error;
  }
}

function mismatch(asset: string, network: Network): DomainError {
  return new DomainError(
    'WALLET_NETWORK_ASSET_MISMATCH',
    `Network ${network.network} carries ${network.asset}, not ${asset}`,
    { asset, network: network.network, networkAsset: network.asset },
  );
}

/** Checks an address (and memo) against the network's rules; answers the memo as stored ('' = none). */
export function checkAddress(network: Network, address: string, memo: string | null | undefined): string {
  if (network.addressPattern !== null && !new RegExp(network.addressPattern, 'u').test(address)) {
    throw new DomainError('WALLET_ADDRESS_INVALID', `Not a valid ${network.name} address`, {
      network: network.network,
    });
  }
  const normalizedMemo = memo?.trim() ?? '';
  if (network.memoRequired && normalizedMemo === '') {
    throw new DomainError('WALLET_MEMO_REQUIRED', `${network.name} needs a memo/tag for this address`, {
      network: network.network,
    });
  }
  return normalizedMemo;
}

export interface AddressBook {
  add(userId: string, input: AddAddressInput, origin: RequestOrigin): Promise<WithdrawalAddress>;
  list(userId: string, filter?: { asset?: string }): Promise<WithdrawalAddress[]>;
  remove(userId: string, id: string): Promise<void>;
  delayDisabled(userId: string): Promise<boolean>;
  /** Turning the delay off needs a second-factor code, is mailed and audited; turning it on is immediate. */
  setDelay(
    userId: string,
    input: { enabled: boolean; twoFactorCode?: string | undefined },
    origin: RequestOrigin,
  ): Promise<{ enabled: boolean }>;
}

export function createAddressBook(ctx: WalletContext, urls: { addresses: string }): AddressBook {
  const secondFactor = async (userId: string, code: string | undefined, origin: RequestOrigin) => {
    if (code === undefined || code === '' || !(await ctx.identity.hasSecondFactor(userId))) {
      throw new DomainError(
        'WALLET_TWO_FACTOR_REQUIRED',
        'This needs two-factor authentication turned on and a current code',
      );
    }
    await ctx.identity.verifySecondFactor(userId, code, origin);
  };

  const emailOf = async (userId: string): Promise<string> => {
    const user = await ctx.identity.getUser(userId);
    if (user === null) throw new DomainError('UNAUTHENTICATED', 'No such user');
    return user.email;
  };

  return {
    async add(userId, input, origin) {
      const asset = await ctx.assets.activeAsset(input.asset);
      const network = await resolveNetwork(ctx, asset.code, input.network);
      const memo = checkAddress(network, input.address, input.memo);
      // Checked before the code is used up: a typo in the address does not cost a code.
      if ((await repo.findAddressByValue(ctx.database, userId, network.id, input.address, memo)) !== null) {
        throw new DomainError('WALLET_ADDRESS_EXISTS', 'This address is already in your allow-list');
      }
      await secondFactor(userId, input.twoFactorCode, origin);
      const nowMs = ctx.clock.nowMs();
      const immediate = await repo.addressDelayDisabled(ctx.database, userId);
      const entry: WithdrawalAddress = {
        id: newId('wad'),
        userId,
        asset: asset.code,
        networkId: network.id,
        network: network.network,
        address: input.address,
        memo,
        label: input.label,
        usableFromMs: nowMs + (immediate ? 0 : ctx.settings.newAddressDelayMs),
        createdAtMs: nowMs,
      };
      const email = await emailOf(userId);
      await ctx.database.transaction(async (tx) => {
        if (!(await repo.insertAddress(tx, entry))) {
          throw new DomainError('WALLET_ADDRESS_EXISTS', 'This address is already in your allow-list');
        }
        await ctx.audit.record(
          {
            actor: userId,
            action: 'wallet.withdrawal-address.add',
            target: `withdrawal-address:${entry.id}`,
            ip: origin.ip,
            after: { asset: entry.asset, network: entry.network, address: entry.address, label: entry.label },
          },
          tx,
        );
        await ctx.mail.send(
          {
            to: email,
            userId,
            template: 'wallet.withdrawal-address-added',
            vars: {
              asset: entry.asset,
              network: entry.network,
              address: entry.address,
              label: entry.label,
              usableAt: new Date(entry.usableFromMs).toISOString(),
              addressesUrl: urls.addresses,
              ...(memo === '' ? {} : { memo }),
            },
          },
          tx,
        );
      });
      return entry;
    },

    list: (userId, filter) => repo.listAddresses(ctx.database, userId, filter),

    async remove(userId, id) {
      await ctx.database.transaction(async (tx) => {
        const removed = await repo.deleteAddress(tx, userId, id);
        if (removed === null) throw new DomainError('WALLET_ADDRESS_NOT_FOUND', 'No such address');
        await ctx.audit.record(
          {
            actor: userId,
            action: 'wallet.withdrawal-address.delete',
            target: `withdrawal-address:${id}`,
            before: { asset: removed.asset, network: removed.network, address: removed.address },
          },
          tx,
        );
      });
    },

    delayDisabled: (userId) => repo.addressDelayDisabled(ctx.database, userId),

    async setDelay(userId, input, origin) {
      const nowMs = ctx.clock.nowMs();
      if (input.enabled) {
        await ctx.database.transaction(async (tx) => {
          await repo.setAddressDelayDisabled(tx, userId, false, nowMs);
          await ctx.audit.record(
            { actor: userId, action: 'wallet.withdrawal-address-delay.on', target: userId, ip: origin.ip },
            tx,
          );
        });
        return { enabled: true };
      }
      await secondFactor(userId, input.twoFactorCode, origin);
      const email = await emailOf(userId);
      await ctx.database.transaction(async (tx) => {
        await repo.setAddressDelayDisabled(tx, userId, true, nowMs);
        await ctx.audit.record(
          { actor: userId, action: 'wallet.withdrawal-address-delay.off', target: userId, ip: origin.ip },
          tx,
        );
        await ctx.mail.send(
          {
            to: email,
            userId,
            template: 'wallet.withdrawal-address-delay-off',
            vars: { addressesUrl: urls.addresses },
          },
          tx,
        );
      });
      return { enabled: false };
    },
  };
}
