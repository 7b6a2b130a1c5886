// The engine made durable: every command is executed, appended to the journal, and acknowledged
// only once the journal is fsynced (group commit). Snapshots every N commands bound recovery time.
// Recovery = latest valid snapshot + replay of the journal after it.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command, CommandResult } from '@tradeloom/engine';
import {
  assert,
  decodeCommand,
  Engine,
  encodeCommand,
  encodeSnapshot,
  isBinaryEncoded,
  restoreSnapshot,
} from '@tradeloom/engine';
import { Journal, loadLatestSnapshot, writeSnapshot } from '@tradeloom/journal';

export interface EngineHostOptions {
  dataDir: string;
  /** false only for benchmarks and tests that measure without the disk. */
  fsync?: boolean;
  /** Take a snapshot after every this many commands; 0 = never. */
  snapshotEvery?: number;
  groupCommitMaxDelayMs?: number;
  /** Journal backlog (bytes not yet durable) above which new commands wait unexecuted. */
  journalBacklogBytesMax?: number;
}

export interface RecoveryReport {
  snapshotSeq: number;
  replayed: number;
  commandSeq: number;
  truncatedBytes: number;
  ms: number;
}

export type ResultListener = (result: CommandResult, command: Command) => void;
type Ack = (result: CommandResult) => void;

export class EngineHost {
  private readonly pending: { result: CommandResult; command: Command; ack: Ack | null }[] = [];
  private pendingHead = 0;
  private readonly listeners: ResultListener[] = [];
  private readonly scratch = Buffer.allocUnsafe(128);
  private snapshotting = false;
  private lastSnapshotSeq: number;
  private readonly writtenSnapshots: number[] = [];
  private closed = false;

  private constructor(
    readonly engine: Engine,
    private readonly journal: Journal,
    private readonly dir: string,
    private readonly snapshotEvery: number,
    readonly recovery: RecoveryReport,
  ) {
    this.lastSnapshotSeq = recovery.snapshotSeq;
    journal.onDurable((durableSeq) => this.acknowledge(durableSeq));
    journal.onDrain(() => this.drainStalled());
  }

  /** Open (or create) the engine's data under dataDir/engine and recover its state. */
  static async open(options: EngineHostOptions): Promise<EngineHost> {
    const started = performance.now();
    const dir = join(options.dataDir, 'engine');
    await mkdir(dir, { recursive: true });
    const snapshot = await loadLatestSnapshot(dir);
    const engine = snapshot === null ? new Engine() : restoreSnapshot(snapshot.payload);
    const snapshotSeq = snapshot?.seq ?? 0;
    assert(engine.commandSeq === snapshotSeq, `snapshot ${snapshotSeq} holds state at ${engine.commandSeq}`);
    const journal = await Journal.open({
      dir,
      fsync: options.fsync ?? true,
      groupCommitMaxDelayMs: options.groupCommitMaxDelayMs ?? 0,
      ...(options.journalBacklogBytesMax === undefined
        ? {}
        : { batchBytesMax: options.journalBacklogBytesMax }),
    });
    let replayed = 0;
    for (const record of journal.readFrom(snapshotSeq + 1)) {
      const result = engine.execute(decodeCommand(record.payload));
      assert(result.commandSeq === record.seq, `journal seq ${record.seq} replayed as ${result.commandSeq}`);
      replayed++;
    }
    assert(
      engine.commandSeq === journal.lastSeq,
      `journal ends at ${journal.lastSeq}, engine at ${engine.commandSeq}`,
    );
    const report: RecoveryReport = {
      snapshotSeq,
      replayed,
      commandSeq: engine.commandSeq,
      truncatedBytes: journal.recovery.truncatedBytes,
      ms: Math.round(performance.now() - started),
    };
    return new EngineHost(engine, journal, dir, options.snapshotEvery ?? 100_000, report);
  }

  /** Highest command sequence number that is on disk. */
  get durableSeq(): number {
    return this.journal.durableSeq;
  }

  /** Results (with their commands) in sequence order, each only after it is durable. */
  onResult(listener: ResultListener): void {
    this.listeners.push(listener);
  }

  /** Execute, journal, and acknowledge once durable. */
  submit(command: Command): Promise<CommandResult> {
    return new Promise((resolve) => this.submitWith(command, resolve));
  }

  /**
   * Callback form of submit, without a promise per command (the socket server's path). Returns the
   * result as executed, NOT yet durable (null while the command waits for journal space): callers may
   * use it only to correlate ids; anything shown to anyone must wait for the acknowledgement.
   */
  submitWith(command: Command, ack: Ack | null): CommandResult | null {
    assert(!this.closed, 'engine host is closed');
    // When the journal's backlog is full (a disk stall), commands wait here, in order, unexecuted:
    // executing one the journal then refuses would put state in memory that no record backs.
    if (this.stalled.length > 0 || !this.journal.writable) {
      this.stalled.push({ command, ack });
      this.stalledTotal++;
      return null;
    }
    return this.apply(command, ack);
  }

  private readonly stalled: { command: Command; ack: Ack | null }[] = [];
  /** Commands that had to wait for journal space since open (an operator signal of a slow disk). */
  stalledTotal = 0;

  private drainStalled(): void {
    let i = 0;
    while (i < this.stalled.length && this.journal.writable) {
      const { command, ack } = this.stalled[i++]!;
      this.apply(command, ack);
    }
    this.stalled.splice(0, i);
  }

  private apply(command: Command, ack: Ack | null): CommandResult {
    const bytes = encodeCommand(command, this.scratch);
    // Execute exactly what replay will execute: the decoded bytes when the encoding is not the identity.
    const executed = isBinaryEncoded(bytes) ? command : decodeCommand(bytes);
    const result = this.engine.execute(executed);
    const seq = this.journal.append(bytes);
    assert(seq === result.commandSeq, `journal seq ${seq} != command seq ${result.commandSeq}`);
    this.pending.push({ result, command: executed, ack });
    if (this.snapshotEvery > 0 && seq - this.lastSnapshotSeq >= this.snapshotEvery) this.snapshot();
    return result;
  }

  /** Resolves once every command submitted so far is durable and acknowledged. */
  async flush(): Promise<void> {
    if (this.closed) throw new Error('engine host is closed');
    while (this.stalled.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    await this.journal.flush();
  }

  /** Capture the state now and write it once the journal has it durably (never ahead of the journal). */
  snapshot(): void {
    if (this.snapshotting) return;
    this.snapshotting = true;
    const seq = this.engine.commandSeq;
    const payload = encodeSnapshot(this.engine);
    this.lastSnapshotSeq = seq;
    this.journal
      .whenDurable(seq)
      .then(() => writeSnapshot(this.dir, seq, payload))
      .then(() => {
        // Keep the journal from the previous snapshot on, so a damaged newest snapshot can fall back.
        const previous = this.writtenSnapshots.at(-1);
        this.writtenSnapshots.push(seq);
        return previous === undefined ? undefined : this.journal.compactBefore(previous + 1);
      })
      .catch((error: unknown) => {
        // A failed snapshot costs recovery time, not data: the journal still holds everything.
        process.emitWarning(`engine snapshot at ${seq} failed: ${String(error)}`);
      })
      .finally(() => {
        this.snapshotting = false;
      });
  }

  private acknowledge(durableSeq: number): void {
    const pending = this.pending;
    let i = this.pendingHead;
    while (i < pending.length && pending[i]!.result.commandSeq <= durableSeq) {
      const entry = pending[i]!;
      entry.ack?.(entry.result);
      for (const listener of this.listeners) listener(entry.result, entry.command);
      i++;
    }
    if (i === pending.length) {
      pending.length = 0;
      this.pendingHead = 0;
    } else if (i > 4096 && i * 2 > pending.length) {
      pending.splice(0, i);
      this.pendingHead = 0;
    } else this.pendingHead = i;
  }

  /** True once close() was called: the host takes no more commands. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Flush and close; every submitted command is acknowledged before this resolves. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.journal.close();
  }
}
