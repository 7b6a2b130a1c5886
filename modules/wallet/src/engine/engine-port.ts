// What the wallet needs of the engine: the platform passes its EngineGateway (in-process or the
// engine process's client), which has this shape. Declared here so the module does not depend on
// the engine's host application.
import type { Command, CommandResult } from '@tradeloom/engine';
import type { EngineLedgerView } from '@tradeloom/projection';

/** A user's balance row as the engine's `balances` query answers it. */
export interface EngineBalanceRow {
  asset: string;
  wallet: string;
  available: number;
  held: number;
}

export type WalletEngineQuery =
  | { query: 'balances'; user: number }
  | { query: 'ledger' }
  | { query: 'status' };

export interface EnginePort {
  /** Resolves once the command is durable. */
  submit(command: Command): Promise<CommandResult>;
  query<T = unknown>(query: WalletEngineQuery): Promise<T>;
}

/** The engine's accounts for reconciliation. */
export type { EngineLedgerView };
