// The engine made durable: every command is executed, appended to the journal, and acknowledged
// only once the journal is fsynced (group commit). Snapshots every N commands bound recovery time.
// Recovery = latest valid snapshot + replay of the journal after it.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command, CommandResult, Outcome } from '@tradeloom/engine';
import {
  acceptedResult,
  assert,
  binaryCommandBytes,
  decodeCommand,
  Engine,
  encodeCommand,
  encodeSnapshot,
  restoreSnapshot,
  writeBinaryCommand,
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
  /**
   * The last command seq in the read model (the projector's cursor). Recovery then starts from a
   * snapshot at or below it and keeps the results of the commands replayed after it
   * (`takeReplayedResults`), so the projector gets every command's events even after a crash.
   */
  projectedSeq?: number;
}

/** A command re-executed at recovery, with its result, for the projector. */
export interface ReplayedResult {
  seq: number;
  ts: number;
  result: CommandResult;
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

const PENDING_MIN = 4096;

export class EngineHost {
  // Commands executed and journaled but not yet durable whose result someone will receive (an ack
  // callback, or result listeners registered when it was submitted), in seq order, one slot each in
  // parallel arrays (no object per command). Their events wait in the engine's event buffer, as records,
  // until they are acknowledged. Commands nobody will hear about need nothing kept: each group commit is
  // reported to `onDurable` listeners by seq alone.
  private pendingHead = 0;
  private pendingTail = 0;
  private pendingSeq = new Float64Array(PENDING_MIN);
  private pendingEventsFrom = new Float64Array(PENDING_MIN);
  private pendingEventsTo = new Float64Array(PENDING_MIN);
  private pendingRefsFrom = new Float64Array(PENDING_MIN);
  private pendingOrderId = new Float64Array(PENDING_MIN);
  /** Results built at execution (rejections, repeated keys, ...); null for the plain ones. */
  private pendingResult: (CommandResult | null)[] = new Array<CommandResult | null>(PENDING_MIN).fill(null);
  private pendingAck: (Ack | null)[] = new Array<Ack | null>(PENDING_MIN).fill(null);
  /** The commands, kept only while result listeners are registered. */
  private pendingCommand: (Command | null)[] = new Array<Command | null>(PENDING_MIN).fill(null);
  private acknowledging = false;
  private readonly listeners: ResultListener[] = [];
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
    const projectedSeq = options.projectedSeq;
    const snapshot = await loadLatestSnapshot(
      dir,
      projectedSeq === undefined ? {} : { maxSeq: projectedSeq },
    );
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
    const replayedResults: ReplayedResult[] = [];
    for (const record of journal.readFrom(snapshotSeq + 1)) {
      // Replay needs the state, not the events: drop them as they come, except those the read model lacks.
      engine.events.clear();
      const command = decodeCommand(record.payload);
      if (projectedSeq !== undefined && record.seq > projectedSeq) {
        const result = engine.execute(command);
        assert(
          result.commandSeq === record.seq,
          `journal seq ${record.seq} replayed as ${result.commandSeq}`,
        );
        replayedResults.push({ seq: record.seq, ts: command.ts, result });
      } else {
        const outcome = engine.apply(command);
        assert(
          outcome.commandSeq === record.seq,
          `journal seq ${record.seq} replayed as ${outcome.commandSeq}`,
        );
      }
      replayed++;
    }
    engine.events.clear();
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
    const host = new EngineHost(engine, journal, dir, options.snapshotEvery ?? 100_000, report);
    host.replayedResults = replayedResults;
    return host;
  }

  private replayedResults: ReplayedResult[] = [];

  /** The results of the commands replayed after `projectedSeq` at recovery (once; then empty). */
  takeReplayedResults(): ReplayedResult[] {
    return this.replayedResults.splice(0);
  }

  /**
   * Where the read model is (the projector's cursor). While set, a new snapshot is taken only once the
   * projector has passed the previous one, so a snapshot at or below the cursor always exists and
   * recovery can regenerate every event the read model lacks.
   */
  projectedSeq: (() => number) | null = null;

  /** Highest command sequence number that is on disk. */
  get durableSeq(): number {
    return this.journal.durableSeq;
  }

  /**
   * Called after each group commit, once its commands are acknowledged, with the highest durable
   * command seq: a signal without a result object per command (the events of commands up to it are
   * gone from `engine.events` by then).
   */
  onDurable(listener: (durableSeq: number) => void): void {
    this.durableListeners.push(listener);
  }

  private readonly durableListeners: ((durableSeq: number) => void)[] = [];

  /**
   * Results (with their commands) in sequence order, each only after it is durable, for the commands
   * submitted after the listener was registered.
   */
  onResult(listener: ResultListener): void {
    this.listeners.push(listener);
  }

  /** Execute, journal, and acknowledge once durable. */
  submit(command: Command): Promise<CommandResult> {
    return new Promise((resolve) => this.submitWith(command, resolve));
  }

  /**
   * Callback form of submit, without a promise per command (the socket server's path). Returns the
   * engine's outcome of the command as executed, NOT yet durable (null while the command waits for
   * journal space), valid until the next command: callers may use it only to correlate ids (its events
   * are readable in `engine.events` until the next command is submitted, and until the command is
   * acknowledged when it has an ack or a result listener); anything shown to anyone must wait for the
   * acknowledgement. With a null `ack` and no result listener, no result object is built and its
   * events are not kept.
   */
  submitWith(command: Command, ack: Ack | null): Outcome | null {
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

  private apply(command: Command, ack: Ack | null): Outcome {
    const journal = this.journal;
    // While no pending command needs its events, the buffer is cleared before each command: keeping a
    // group commit's worth of records nobody will read streamed megabytes through the cache (~20% of a
    // journaled command's time).
    if (this.pendingHead === this.pendingTail) this.engine.events.clear();
    const binary = binaryCommandBytes(command);
    let executed = command;
    let outcome: Outcome;
    let seq: number;
    if (binary >= 0) {
      // The hot commands: encoded straight into the journal's write buffer, executed, then committed (a
      // command whose execution breaks an invariant never reaches the journal).
      const at = journal.beginRecord(binary);
      writeBinaryCommand(command, journal.recordView, at);
      outcome = this.engine.apply(command);
      seq = journal.commitRecord(binary);
    } else {
      // Execute exactly what replay will execute: the decoded JSON, not the object (it may hold more).
      const bytes = encodeCommand(command);
      executed = decodeCommand(bytes);
      outcome = this.engine.apply(executed);
      seq = journal.append(bytes);
    }
    if (!(seq === outcome.commandSeq))
      assert(false, `journal seq ${seq} != command seq ${outcome.commandSeq}`);
    const listened = this.listeners.length > 0 ? executed : null;
    if (ack !== null || listened !== null) this.enqueue(outcome, ack, listened);
    if (this.snapshotEvery > 0 && seq - this.lastSnapshotSeq >= this.snapshotEvery) this.snapshot();
    return outcome;
  }

  private enqueue(outcome: Outcome, ack: Ack | null, command: Command | null): void {
    if (this.pendingHead === this.pendingTail) {
      this.pendingHead = 0;
      this.pendingTail = 0;
    }
    let i = this.pendingTail;
    if (i === this.pendingSeq.length) i = this.makeRoom();
    this.pendingSeq[i] = outcome.commandSeq;
    this.pendingEventsFrom[i] = outcome.eventsFrom;
    this.pendingEventsTo[i] = outcome.eventsTo;
    this.pendingRefsFrom[i] = outcome.refsFrom;
    this.pendingOrderId[i] = outcome.orderId;
    this.pendingResult[i] = outcome.result;
    this.pendingAck[i] = ack;
    this.pendingCommand[i] = command;
    this.pendingTail = i + 1;
  }

  /** Room for one more pending command: slide the live slots to the front, or grow. Returns the free slot. */
  private makeRoom(): number {
    const head = this.pendingHead;
    const live = this.pendingTail - head;
    const capacity = this.pendingSeq.length;
    // While acknowledging, slots must keep their indexes: grow only.
    if (head * 2 >= capacity && !this.acknowledging) {
      for (const a of [
        this.pendingSeq,
        this.pendingEventsFrom,
        this.pendingEventsTo,
        this.pendingRefsFrom,
        this.pendingOrderId,
      ])
        a.copyWithin(0, head, this.pendingTail);
      // Plain loops: copyWithin on a JS array takes the generic (property-by-property) path.
      for (const a of [this.pendingResult, this.pendingAck, this.pendingCommand]) {
        for (let k = 0; k < live; k++) a[k] = a[head + k]!;
        for (let k = live; k < this.pendingTail; k++) a[k] = null;
      }
      this.pendingHead = 0;
      this.pendingTail = live;
      return live;
    }
    const grow = (a: Float64Array) => {
      const b = new Float64Array(capacity * 2);
      b.set(a);
      return b;
    };
    const growRefs = <T>(a: (T | null)[]) => a.concat(new Array<T | null>(capacity).fill(null));
    this.pendingSeq = grow(this.pendingSeq);
    this.pendingEventsFrom = grow(this.pendingEventsFrom);
    this.pendingEventsTo = grow(this.pendingEventsTo);
    this.pendingRefsFrom = grow(this.pendingRefsFrom);
    this.pendingOrderId = grow(this.pendingOrderId);
    this.pendingResult = growRefs(this.pendingResult);
    this.pendingAck = growRefs(this.pendingAck);
    this.pendingCommand = growRefs(this.pendingCommand);
    return this.pendingTail;
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
    if (this.projectedSeq !== null && this.projectedSeq() < this.lastSnapshotSeq) return;
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
    const events = this.engine.events;
    const listeners = this.listeners;
    this.acknowledging = true;
    try {
      // An ack may submit more commands: they land after the tail and wait for a later commit.
      let i = this.pendingHead;
      while (i < this.pendingTail && this.pendingSeq[i]! <= durableSeq) {
        const ack = this.pendingAck[i]!;
        // The command is there only when listeners were registered at its submission (see apply).
        const command = this.pendingCommand[i]!;
        const result =
          this.pendingResult[i] ??
          acceptedResult(
            this.pendingSeq[i]!,
            this.pendingOrderId[i]!,
            events.materialize(this.pendingEventsFrom[i]!, this.pendingEventsTo[i]!),
          );
        this.pendingResult[i] = null;
        this.pendingAck[i] = null;
        this.pendingCommand[i] = null;
        // Moved on before the callbacks run: a command they submit clears the event buffer only when
        // no pending command still needs it.
        this.pendingHead = ++i;
        ack?.(result);
        if (command !== null) for (const listener of listeners) listener(result, command);
      }
    } finally {
      this.acknowledging = false;
    }
    // The events of acknowledged commands are no longer needed. A command submitted by an ack callback
    // while the queue was momentarily empty cleared the buffer: clamp to what it still holds.
    if (this.pendingHead === this.pendingTail) events.clear();
    else
      events.discardBefore(
        Math.max(this.pendingEventsFrom[this.pendingHead]!, events.start),
        Math.max(this.pendingRefsFrom[this.pendingHead]!, events.refStart),
      );
    for (const listener of this.durableListeners) listener(durableSeq);
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
