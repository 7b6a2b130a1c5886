// Proves the host acknowledges only durable commands, publishes in order, and recovers from snapshot + journal.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandResult } from '@tradeloom/engine';
import { Engine, stateHash } from '@tradeloom/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineHost } from './engine-host.js';
import { setupCommands, tradingCommands } from './testing/command-stream.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'tl-host-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('EngineHost', () => {
  it('acknowledges each command only once the journal has it on disk, in order', async () => {
    const host = await EngineHost.open({ dataDir: tempDir() });
    const published: number[] = [];
    host.onResult((r) => published.push(r.commandSeq));
    const acks: Promise<void>[] = [];
    const order: number[] = [];
    const commands = [...setupCommands(1), ...take(tradingCommands(1, 2), 500)];
    for (const c of commands) {
      acks.push(
        host.submit(c).then((r: CommandResult) => {
          expect(host.durableSeq).toBeGreaterThanOrEqual(r.commandSeq);
          order.push(r.commandSeq);
        }),
      );
    }
    await Promise.all(acks);
    expect(order).toEqual(commands.map((_, i) => i + 1));
    expect(published).toEqual(order);
    await host.close();
    // A closed host says so (readiness probes rely on it) and refuses to flush.
    expect(host.isClosed).toBe(true);
    await expect(host.flush()).rejects.toThrow(/closed/);
  });

  it('keeps the events of acknowledged commands whatever unacknowledged ones run around them', async () => {
    // Commands with no ack (whose events the host does not keep) interleaved with acked ones: every
    // acked result must equal what a plain engine returns for the same command.
    const host = await EngineHost.open({ dataDir: tempDir(), fsync: false });
    const reference = new Engine();
    const commands = [...setupCommands(2), ...take(tradingCommands(4, 2), 2_000)];
    const pending: Promise<void>[] = [];
    for (const [i, c] of commands.entries()) {
      const expected = reference.execute(c);
      if (i % 7 < 3) {
        expect(host.submitWith(c, null)).not.toBeNull();
        // A yield now and then lets group commits complete between the commands.
        if (i % 100 === 0) await new Promise((r) => setImmediate(r));
      } else pending.push(host.submit(c).then((r) => expect(r).toEqual(expected)));
    }
    await Promise.all(pending);
    expect(pending.length).toBeGreaterThan(1_000);
    await host.close();
  });

  it('holds commands back, unexecuted and in order, while the journal backlog is full', async () => {
    const dataDir = tempDir();
    const host = await EngineHost.open({ dataDir, journalBacklogBytesMax: 4_096 });
    const commands = [...setupCommands(1), ...take(tradingCommands(3, 2), 3_000)];
    const results = await Promise.all(commands.map((c) => host.submit(c)));
    // The bound was really hit: commands waited, and still came back in order.
    expect(host.stalledTotal).toBeGreaterThan(0);
    expect(results.map((r) => r.commandSeq)).toEqual(commands.map((_, i) => i + 1));
    const hash = stateHash(host.engine);
    await host.close();
    // The same stream without backpressure ends in the same state.
    const free = await EngineHost.open({ dataDir: tempDir() });
    await Promise.all(commands.map((c) => free.submit(c)));
    expect(stateHash(free.engine)).toBe(hash);
    await free.close();
  });

  it('recovers the same state from snapshots and the journal tail', async () => {
    const dataDir = tempDir();
    const host = await EngineHost.open({ dataDir, snapshotEvery: 200 });
    const commands = [...setupCommands(1), ...take(tradingCommands(2, 2), 1_000)];
    await Promise.all(commands.map((c) => host.submit(c)));
    host.snapshot();
    await new Promise((r) => setTimeout(r, 200));
    const hash = stateHash(host.engine);
    const seq = host.engine.commandSeq;
    await host.close();

    const reopened = await EngineHost.open({ dataDir });
    expect(reopened.recovery.snapshotSeq).toBeGreaterThan(0);
    expect(reopened.recovery.snapshotSeq + reopened.recovery.replayed).toBe(seq);
    expect(reopened.engine.commandSeq).toBe(seq);
    expect(stateHash(reopened.engine)).toBe(hash);
    // It carries on from where it was.
    const next = await reopened.submit({ type: 'cancelAll', ts: 9, marketId: 1, user: 1 });
    expect(next.commandSeq).toBe(seq + 1);
    await reopened.close();
  });

  it('recovers from a snapshot at or below the read model and replays the rest with their results', async () => {
    const dataDir = tempDir();
    const host = await EngineHost.open({ dataDir, snapshotEvery: 100, projectedSeq: 0 });
    // The read model is stuck at 120: snapshots past it are taken only while it has passed the previous one.
    let projected = 0;
    host.projectedSeq = () => projected;
    const original: CommandResult[] = [];
    host.onResult((r) => original.push(r));
    const commands = [...setupCommands(1), ...take(tradingCommands(4, 2), 700)];
    for (const c of commands.slice(0, 130)) await host.submit(c);
    projected = 120;
    for (const c of commands.slice(130)) await host.submit(c);
    await new Promise((r) => setTimeout(r, 200));
    const hash = stateHash(host.engine);
    await host.close();

    const reopened = await EngineHost.open({ dataDir, projectedSeq: 120 });
    expect(reopened.recovery.snapshotSeq).toBeLessThanOrEqual(120);
    expect(reopened.recovery.snapshotSeq).toBeGreaterThan(0);
    expect(stateHash(reopened.engine)).toBe(hash);
    const replayed = reopened.takeReplayedResults();
    expect(replayed.map((r) => r.seq)).toEqual(original.slice(120).map((r) => r.commandSeq));
    // Re-executed, the commands give the very results the projector would have received live.
    expect(replayed.map((r) => r.result)).toEqual(original.slice(120));
    expect(replayed.map((r) => r.ts)).toEqual(commands.slice(120).map((c) => c.ts));
    expect(reopened.takeReplayedResults()).toEqual([]);
    await reopened.close();
  });
});

function take<T>(gen: Generator<T>, n: number): T[] {
  const out: T[] = [];
  for (const v of gen) {
    out.push(v);
    if (out.length === n) break;
  }
  return out;
}
