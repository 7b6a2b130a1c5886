import type { DatabaseTransaction } from '@tradeloom/db';
import type { CommandResult } from '@tradeloom/engine';

/** One durable command as the projector receives it, in command sequence order. */
export interface ProjectedCommand {
  seq: number;
  /** The command's timestamp (ms since epoch), stamped by the gateway. */
  ts: number;
  result: CommandResult;
}

/**
 * A module's part of the read model: applies a batch in the projector's transaction (the same one
 * that advances the cursor), so it sees every command exactly once.
 */
export interface ProjectionHandler {
  readonly name: string;
  apply(tx: DatabaseTransaction, batch: readonly ProjectedCommand[]): Promise<void>;
}

/** True when the command moved something: accepted and not a repeat of an earlier key. */
export function isEffective(result: CommandResult): result is Extract<CommandResult, { ok: true }> {
  return result.ok && result.duplicate !== true;
}
