// Per-command output collector shared by the ledger and the matching components: the sequencer
// opens it for a command, the components append events, and it closes with the aggregated
// balance and book-level events. Nothing here reads a clock or does I/O.

import { EventBuffer } from './event-buffer.js';
import type { EngineEvent } from './events.js';
import type { Account } from './ledger/account.js';
import type { PriceLevel } from './matching/price-level.js';

export class Context {
  /** Last command sequence number assigned (journal position). */
  commandSeq = 0;
  /** Last event sequence number assigned. */
  eventSeq = 0;
  ts = 0;
  /** Every command's events, appended as records (see event-buffer.ts); readers clear or discard them. */
  readonly out = new EventBuffer();
  /** Where the current command's events begin in `out`. */
  eventsFrom = 0;
  /** Accounts and levels touched by the current command: the first `*Count` entries are live. */
  readonly touchedAccounts: Account[] = [];
  touchedAccountCount = 0;
  readonly touchedLevels: PriceLevel[] = [];
  touchedLevelCount = 0;

  /** Append a rare event, kept as an object (hot events are written as records through `out`). */
  emit(event: EngineEvent): void {
    this.out.object(event);
  }

  nextSeq(): number {
    return ++this.eventSeq;
  }

  /** Start a new command's output. */
  reset(ts: number): void {
    this.ts = ts;
    this.out.ts = ts;
    this.eventsFrom = this.out.end;
    this.touchedAccountCount = 0;
    this.touchedLevelCount = 0;
  }

  touchAccount(account: Account): void {
    if (account.stamp !== this.commandSeq) {
      account.stamp = this.commandSeq;
      this.touchedAccounts[this.touchedAccountCount++] = account;
    }
  }

  touchLevel(level: PriceLevel): void {
    if (level.stamp !== this.commandSeq) {
      level.stamp = this.commandSeq;
      this.touchedLevels[this.touchedLevelCount++] = level;
    }
  }
}
