// The projector: applies durable engine results to PostgreSQL in batches, each batch in one
// transaction that also advances engine_projection_state.last_applied_seq. A batch is all or nothing
// and the cursor moves only with it, so every command is projected exactly once across restarts.
import type { Database } from '@tradeloom/db';
import type { CommandResult } from '@tradeloom/engine';
import { createLedgerProjection } from './ledger-projection.js';
import type { ProjectedCommand, ProjectionHandler } from './projected-command.js';
import { createSpotProjection } from './spot-projection.js';

export interface ProjectorOptions {
  /** Module handlers applied after the ledger's, in order. */
  handlers?: readonly ProjectionHandler[];
  /** Most commands per transaction. */
  batchMax?: number;
  /** A failed batch is retried after this delay (doubling up to 5 s); reported here. */
  onError?: (error: unknown) => void;
  retryDelayMs?: number;
}

/** The last command sequence whose effects are in the read model. */
export async function readProjectedSeq(db: Database): Promise<number> {
  const { rows } = await db.query('SELECT last_applied_seq FROM engine_projection_state WHERE id = 1');
  const row = rows[0];
  if (row === undefined) throw new Error('engine_projection_state has no row: migrations are missing');
  return Number(row.last_applied_seq);
}

export class Projector {
  private readonly queue: ProjectedCommand[] = [];
  private queuedSeq: number;
  private running: Promise<void> | null = null;
  private closed = false;
  private failures = 0;
  private readonly waiters: { seq: number; resolve: () => void }[] = [];
  /** Batches written since open (an operator figure). */
  batches = 0;

  private constructor(
    private readonly db: Database,
    private readonly handlers: readonly ProjectionHandler[],
    private applied: number,
    private readonly options: ProjectorOptions,
  ) {
    this.queuedSeq = applied;
  }

  static async open(db: Database, options: ProjectorOptions = {}): Promise<Projector> {
    const applied = await readProjectedSeq(db);
    const ledger = await createLedgerProjection(db);
    return new Projector(db, [ledger, createSpotProjection(), ...(options.handlers ?? [])], applied, options);
  }

  /** The last command sequence in the read model. */
  get appliedSeq(): number {
    return this.applied;
  }

  /** Commands received but not yet written. */
  get lag(): number {
    return this.queuedSeq - this.applied;
  }

  /**
   * Queues one durable command. Commands must arrive gapless and in order; ones at or below the
   * applied cursor (a replay overlapping what is already projected) are ignored.
   */
  push(seq: number, ts: number, result: CommandResult): void {
    if (seq <= this.queuedSeq) return;
    if (seq !== this.queuedSeq + 1) {
      throw new Error(`projector: command ${seq} after ${this.queuedSeq} (a gap would lose events)`);
    }
    this.queuedSeq = seq;
    this.queue.push({ seq, ts, result });
    this.schedule();
  }

  /** Resolves once everything up to `seq` is in the read model. */
  whenApplied(seq: number): Promise<void> {
    if (seq <= this.applied) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
  }

  /** Writes what is queued, then stops taking commands. */
  async close(): Promise<void> {
    while (this.queue.length > 0 || this.running !== null) {
      if (this.running === null) this.schedule();
      await this.running;
      if (this.failures > 0 && this.queue.length > 0) break;
    }
    this.closed = true;
  }

  private schedule(): void {
    if (this.running !== null || this.closed) return;
    // A microtask's delay lets the rest of a group commit's acknowledgements join this batch.
    this.running = Promise.resolve()
      .then(() => this.drain())
      .finally(() => {
        this.running = null;
        if (this.queue.length > 0 && this.failures === 0) this.schedule();
      });
  }

  private async drain(): Promise<void> {
    const batchMax = this.options.batchMax ?? 2_000;
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, batchMax);
      const last = batch[batch.length - 1]!.seq;
      const first = batch[0]!.seq;
      try {
        await this.db.transaction(async (tx) => {
          const moved = await tx.query(
            'UPDATE engine_projection_state SET last_applied_seq = $1, updated_at = now() WHERE id = 1 AND last_applied_seq = $2 RETURNING id',
            [last, first - 1],
          );
          // Another projector (a second engine on the same database) wrote in between: never apply twice.
          if (moved.rows.length !== 1) throw new ProjectionConflict(first - 1);
          for (const handler of this.handlers) await handler.apply(tx, batch);
        });
      } catch (error) {
        this.failures++;
        this.options.onError?.(error);
        if (error instanceof ProjectionConflict) {
          this.closed = true;
          return;
        }
        const base = this.options.retryDelayMs ?? 100;
        const delay = Math.min(base * 2 ** (this.failures - 1), 5_000);
        setTimeout(() => {
          this.failures = 0;
          this.schedule();
        }, delay).unref();
        return;
      }
      this.queue.splice(0, batch.length);
      this.applied = last;
      this.batches++;
      this.failures = 0;
      this.wake();
    }
  }

  private wake(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (w.seq <= this.applied) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }
}

/** The cursor in the database is not where this projector left it. */
export class ProjectionConflict extends Error {
  constructor(expected: number) {
    super(`engine_projection_state.last_applied_seq is no longer ${expected}: another projector is writing`);
  }
}
