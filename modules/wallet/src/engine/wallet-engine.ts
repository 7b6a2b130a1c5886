// The wallet's commands to the engine, with the engine's refusals turned into the module's errors.
// Every balance change of the wallet goes through here: there is no other writer of balances.
import type { Command, CommandResult, Party, TransferKind, WalletType } from '@tradeloom/engine';
import { type Clock, DomainError } from '@tradeloom/kernel';
import type { EngineBalanceRow, EnginePort } from './engine-port.js';

/** The engine's system account for the outside world of a network (negative = what came in net). */
export function externalAccount(network: string): Party {
  return { system: `external:${network}` };
}

/** The platform's fee account (the engine's own, shared with trading fees). */
export const FEES: Party = { system: 'fees' };

/** Rejections that mean "this was already done", for setup commands that are repeated on restart. */
const ALREADY_DONE = new Set(['ASSET_EXISTS', 'SYSTEM_ACCOUNT_EXISTS']);

export interface Accepted {
  commandSeq: number;
  duplicate: boolean;
}

export class WalletEngine {
  constructor(
    private readonly port: EnginePort,
    private readonly clock: Clock,
  ) {}

  private async run(command: Command): Promise<CommandResult> {
    return this.port.submit(command);
  }

  private async accept(command: Command): Promise<Accepted> {
    const result = await this.run(command);
    if (!result.ok) throw rejection(result);
    return { commandSeq: result.commandSeq, duplicate: result.duplicate === true };
  }

  /** Registers an asset in the engine (repeats are fine). */
  async ensureAsset(code: string, scale: number): Promise<void> {
    const result = await this.run({ type: 'addAsset', ts: this.clock.nowMs(), asset: code, scale });
    if (!result.ok && !ALREADY_DONE.has(result.code)) throw rejection(result);
  }

  /** Defines the outside-world account of a network (may go negative: it is what came in). */
  async ensureExternalAccount(network: string): Promise<void> {
    const party = externalAccount(network) as { system: string };
    const result = await this.run({
      type: 'defineSystemAccount',
      ts: this.clock.nowMs(),
      name: party.system,
      allowNegative: true,
    });
    if (!result.ok && !ALREADY_DONE.has(result.code)) throw rejection(result);
  }

  /** A keyed transfer: repeating the key returns the first result and moves nothing. */
  transfer(input: {
    key: string;
    kind: TransferKind;
    asset: string;
    from: Party;
    to: Party;
    amount: number;
  }): Promise<Accepted> {
    return this.accept({ type: 'transfer', ts: this.clock.nowMs(), ...input });
  }

  /** Moves `amount` from available to held under `holdId` (HOLD_EXISTS when the id is taken). */
  hold(holdId: string, asset: string, account: Party, amount: number): Promise<Accepted> {
    return this.accept({ type: 'hold', ts: this.clock.nowMs(), holdId, asset, account, amount });
  }

  /** Returns what is left on a hold to available. */
  release(holdId: string): Promise<Accepted> {
    return this.accept({ type: 'release', ts: this.clock.nowMs(), holdId });
  }

  /** Pays `amount` out of a hold (keyed); `final` releases the rest and closes it. */
  settleHold(input: {
    key: string;
    holdId: string;
    kind: TransferKind;
    to: Party;
    amount: number;
    final: boolean;
  }): Promise<Accepted> {
    return this.accept({ type: 'settleHold', ts: this.clock.nowMs(), ...input });
  }

  /** The user's live balances (engine account number), every wallet type. */
  balances(user: number): Promise<EngineBalanceRow[]> {
    return this.port.query<EngineBalanceRow[]>({ query: 'balances', user });
  }

  /** The user's available balance in one asset and wallet. */
  async available(user: number, asset: string, wallet: WalletType): Promise<number> {
    const row = (await this.balances(user)).find((b) => b.asset === asset && b.wallet === wallet);
    return row?.available ?? 0;
  }
}

/** The wallet error for an engine refusal; insufficient funds get their own code. */
export function rejection(result: Extract<CommandResult, { ok: false }>): DomainError {
  if (result.code === 'INSUFFICIENT_BALANCE') {
    return new DomainError('WALLET_INSUFFICIENT_BALANCE', 'Insufficient available balance', {
      engineCode: result.code,
    });
  }
  return new DomainError('WALLET_ENGINE_REJECTED', `The ledger refused the operation: ${result.message}`, {
    engineCode: result.code,
  });
}
