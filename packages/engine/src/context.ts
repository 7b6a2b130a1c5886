// Per-command output collector shared by the ledger and the matching components: the sequencer
// opens it for a command, the components append events, and it closes with the aggregated
// balance and book-level events. Nothing here reads a clock or does I/O.

import type { EngineEvent } from './events.js';
import type { Account } from './ledger/account.js';
import type { PriceLevel } from './matching/price-level.js';

export class Context {
  /** Last command sequence number assigned (journal position). */
  commandSeq = 0;
  /** Last event sequence number assigned. */
  eventSeq = 0;
  ts = 0;
  events: EngineEvent[] = [];
  readonly touchedAccounts: Account[] = [];
  readonly touchedLevels: PriceLevel[] = [];

  /** Give the next event its global sequence number and append it to the command's output. */
  emit(event: EngineEvent): void {
    this.events.push(event);
  }

  nextSeq(): number {
    return ++this.eventSeq;
  }

  touchAccount(account: Account): void {
    if (account.stamp !== this.commandSeq) {
      account.stamp = this.commandSeq;
      this.touchedAccounts.push(account);
    }
  }

  touchLevel(level: PriceLevel): void {
    if (level.stamp !== this.commandSeq) {
      level.stamp = this.commandSeq;
      this.touchedLevels.push(level);
    }
  }
}
