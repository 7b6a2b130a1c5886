// Proves durability: an engine process killed with SIGKILL mid-stream loses nothing it acknowledged,
// half-applies nothing, and recovers (snapshot + journal) to the state hash of a clean replay —
// also after a torn or corrupted last journal record.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Command, CommandResult } from '@tradeloom/engine';
import { decodeCommand, Engine, encodeCommand, stateHash } from '@tradeloom/engine';
import { Journal } from '@tradeloom/journal';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineClient } from './client.js';
import { EngineHost } from './engine-host.js';
import { prng, setupCommands, tradingCommands } from './testing/command-stream.js';

const here = dirname(fileURLToPath(import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Acked {
  command: Command;
  result: CommandResult;
}

async function startProcess(
  dataDir: string,
  snapshotEvery = 700,
): Promise<{ child: ChildProcess; socket: string }> {
  const socket = join(dataDir, 'engine.sock');
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'main.ts')], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      ENGINE_SOCKET: socket,
      ENGINE_SNAPSHOT_EVERY: String(snapshotEvery),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) if (line.includes('"ready":true')) break;
  return { child, socket };
}

/** Pipeline commands (bounded in flight) until the process dies; returns what was acknowledged. */
async function pumpUntilKilled(
  socket: string,
  commands: Iterator<Command>,
  child: ChildProcess,
  killAfterMs: number,
): Promise<Acked[]> {
  const client = await EngineClient.connect(socket);
  const acked: Acked[] = [];
  const inFlightMax = 64;
  let inFlight = 0;
  let dead = false;
  setTimeout(() => {
    child.kill('SIGKILL');
  }, killAfterMs);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      dead = true;
      resolve();
    });
  });
  await new Promise<void>((resolve) => {
    const pump = () => {
      while (!dead && inFlight < inFlightMax) {
        const next = commands.next();
        if (next.done) break;
        const command = next.value;
        inFlight++;
        client.submit(command).then(
          (result) => {
            acked.push({ command, result });
            inFlight--;
            pump();
          },
          () => {
            inFlight--;
            if (inFlight === 0) resolve();
          },
        );
      }
      if (dead && inFlight === 0) resolve();
    };
    pump();
  });
  // The socket can close before the process is reaped; its journal lock is free only after exit.
  await exited;
  client.close();
  return acked;
}

/** Replay the journal from its first record into a fresh engine. */
async function cleanReplay(
  dataDir: string,
): Promise<{ engine: Engine; results: Map<number, CommandResult>; commands: Map<number, Command> }> {
  const journal = await Journal.open({ dir: join(dataDir, 'engine') });
  const engine = new Engine();
  const results = new Map<number, CommandResult>();
  const commands = new Map<number, Command>();
  for (const record of journal.readFrom(1)) {
    const command = decodeCommand(record.payload);
    commands.set(record.seq, command);
    results.set(record.seq, engine.execute(command));
  }
  await journal.close();
  return { engine, results, commands };
}

function checkAcknowledged(
  acked: Acked[],
  replay: Awaited<ReturnType<typeof cleanReplay>>,
  upToSeq: number,
): void {
  for (const { command, result } of acked) {
    if (result.commandSeq > upToSeq) continue;
    // The journal holds exactly the acknowledged command at its sequence number, and replaying it
    // produces exactly the result the client was given.
    expect(replay.commands.get(result.commandSeq)).toEqual(decodeCommand(encodeCommand(command)));
    expect(replay.results.get(result.commandSeq)).toEqual(result);
  }
}

function lastSegment(dataDir: string): string {
  const dir = join(dataDir, 'engine', 'journal');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.seg'))
    .sort();
  return join(dir, files.at(-1)!);
}

/** Byte offset of the last complete record in a segment (header 8 bytes; record = len, crc, seq, payload). */
function lastRecordOffset(path: string): number {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(4);
  let at = 8;
  let last = -1;
  while (at + 16 <= size) {
    readSync(fd, head, 0, 4, at);
    const length = head.readUInt32LE(0);
    if (at + 16 + length > size) break;
    last = at;
    at += 16 + length;
  }
  closeSync(fd);
  return last;
}

describe('engine process crash recovery', () => {
  it('loses nothing acknowledged across repeated SIGKILLs', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tl-crash-'));
    dirs.push(dataDir);
    const rnd = prng(20261125);
    const ts = 1_764_000_000_000;
    const allAcked: Acked[] = [];
    let recoveredFromSnapshot = 0;
    for (let round = 0; round < 4; round++) {
      const { child, socket } = await startProcess(dataDir);
      const stream = round === 0 ? [...setupCommands(ts)][Symbol.iterator]() : undefined;
      const trading = tradingCommands(1000 + round, ts + round * 1_000_000);
      const commands: Iterator<Command> = {
        next: () => {
          const s = stream?.next();
          return s && !s.done ? s : trading.next();
        },
      };
      const acked = await pumpUntilKilled(socket, commands, child, 150 + Math.floor(rnd() * 350));
      expect(acked.length).toBeGreaterThan(0);
      allAcked.push(...acked);

      const host = await EngineHost.open({ dataDir });
      const maxAcked = Math.max(...allAcked.map((a) => a.result.commandSeq));
      expect(host.engine.commandSeq).toBeGreaterThanOrEqual(maxAcked);
      if (host.recovery.snapshotSeq > 0) recoveredFromSnapshot++;
      const recoveredHash = stateHash(host.engine);
      const recoveredSeq = host.engine.commandSeq;
      await host.close();

      const replay = await cleanReplay(dataDir);
      expect(replay.engine.commandSeq).toBe(recoveredSeq);
      expect(stateHash(replay.engine)).toBe(recoveredHash);
      checkAcknowledged(allAcked, replay, recoveredSeq);
    }
    // The rounds must have exercised recovery from a snapshot plus a journal tail, not only full replay.
    expect(recoveredFromSnapshot).toBeGreaterThan(0);
    expect(allAcked.length).toBeGreaterThan(2_000);
  });

  it('truncates a torn or corrupted last record instead of replaying it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tl-crash-corrupt-'));
    dirs.push(dataDir);
    const ts = 1_764_000_000_000;
    // No snapshots here: the test damages the journal's last record, which a snapshot could cover.
    const { child, socket } = await startProcess(dataDir, 0);
    const setup = setupCommands(ts)[Symbol.iterator]();
    const trading = tradingCommands(7, ts);
    const acked = await pumpUntilKilled(
      socket,
      {
        next: () => {
          const s = setup.next();
          return s.done ? trading.next() : s;
        },
      },
      child,
      300,
    );
    const before = await cleanReplay(dataDir);
    const lastSeq = before.engine.commandSeq;

    // 1. A torn write: half a record's worth of garbage after the last record.
    const segment = lastSegment(dataDir);
    const fd = openSync(segment, 'a');
    writeSync(fd, Buffer.from([40, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7]));
    closeSync(fd);
    let host = await EngineHost.open({ dataDir });
    expect(host.recovery.truncatedBytes).toBe(11);
    expect(host.engine.commandSeq).toBe(lastSeq);
    expect(stateHash(host.engine)).toBe(stateHash(before.engine));
    await host.close();
    checkAcknowledged(acked, await cleanReplay(dataDir), lastSeq);

    // 2. A flipped byte inside the last record: its checksum fails, it is dropped, never replayed.
    const offset = lastRecordOffset(segment);
    const rw = openSync(segment, 'r+');
    const byte = Buffer.alloc(1);
    readSync(rw, byte, 0, 1, offset + 16);
    byte[0] = byte[0]! ^ 0xff;
    writeSync(rw, byte, 0, 1, offset + 16);
    closeSync(rw);
    host = await EngineHost.open({ dataDir });
    expect(host.recovery.truncatedBytes).toBeGreaterThan(0);
    expect(host.engine.commandSeq).toBe(lastSeq - 1);
    await host.close();
    const after = await cleanReplay(dataDir);
    expect(after.engine.commandSeq).toBe(lastSeq - 1);
    // The state is the replay of everything before the damaged record.
    const prefix = new Engine();
    for (let seq = 1; seq < lastSeq; seq++) prefix.execute(before.commands.get(seq)!);
    expect(stateHash(after.engine)).toBe(stateHash(prefix));
    checkAcknowledged(acked, after, lastSeq - 1);
  });
});
