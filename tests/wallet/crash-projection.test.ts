// Server mode's engine process (with its projector into PostgreSQL) killed with SIGKILL during a
// stream of deposit and withdrawal commands, four times: after each restart the journal holds every
// acknowledged command with the result its client was given, the engine's state is the journal's
// clean replay, and the projected postings reconcile with the engine's balances at the same seq.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createTestDatabase, type TestDatabase } from '@tradeloom/db/testing';
import {
  type Command,
  type CommandResult,
  decodeCommand,
  Engine,
  encodeCommand,
  stateHash,
} from '@tradeloom/engine';
import { EngineClient } from '@tradeloom/engine-app';
import { Journal } from '@tradeloom/journal';
import { type EngineLedgerView, reconcileLedger } from '@tradeloom/projection';
import { afterAll, describe, expect, it } from 'vitest';
import { USERS, walletStream } from '../support/wallet-command-stream.js';

interface Acked {
  command: Command;
  result: CommandResult;
}

describe('engine process with projector: SIGKILL during deposits and withdrawals', () => {
  const dirs: string[] = [];
  let test: TestDatabase | undefined;
  afterAll(async () => {
    await test?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function start(dataDir: string, url: string): Promise<{ child: ChildProcess; socket: string }> {
    const socket = join(dataDir, 'engine.sock');
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/engine/src/main.ts'], {
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        ENGINE_SOCKET: socket,
        ENGINE_SNAPSHOT_EVERY: '400',
        DATABASE_URL: url,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout! });
    for await (const line of lines) if (line.includes('"ready":true')) break;
    return { child, socket };
  }

  async function pumpUntilKilled(
    socket: string,
    commands: Iterator<Command>,
    child: ChildProcess,
    killAfterMs: number,
  ) {
    const client = await EngineClient.connect(socket);
    const acked: Acked[] = [];
    let inFlight = 0;
    let dead = false;
    const exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        dead = true;
        resolve();
      }),
    );
    setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    await new Promise<void>((resolve) => {
      const pump = () => {
        while (!dead && inFlight < 32) {
          const command = commands.next().value as Command;
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
    await exited;
    client.close();
    return acked;
  }

  it('keeps journal, engine and projection in agreement and loses nothing acknowledged', async () => {
    test = await createTestDatabase('postgres');
    const url = test.url ?? '';
    const dataDir = mkdtempSync(join(tmpdir(), 'tl-wallet-crash-'));
    dirs.push(dataDir);
    const all: Acked[] = [];
    let offset = 0;
    for (let round = 0; round < 4; round++) {
      const { child, socket } = await start(dataDir, url);
      const stream = walletStream(500 + round, offset);
      offset += 1_000_000;
      const acked = await pumpUntilKilled(socket, stream, child, 400 + round * 150);
      expect(acked.length).toBeGreaterThan(0);
      all.push(...acked);

      // Restart: recovery re-projects what the read model missed; then everything must agree.
      const restarted = await start(dataDir, url);
      const client = await EngineClient.connect(restarted.socket);
      const view = await client.query<EngineLedgerView>({ query: 'ledger' });
      const hash = await client.query<{ hash: string } | string>({ query: 'stateHash' });
      const report = await reconcileLedger(test.database, view);
      expect(report.mismatches).toEqual([]);
      expect(report.unbalancedAssets).toEqual([]);
      expect(report.accounts).toBeGreaterThan(USERS);
      client.close();
      const stopped = new Promise((resolve) => restarted.child.once('exit', resolve));
      restarted.child.kill('SIGTERM');
      await stopped;

      // The journal's clean replay is the engine's state, and holds each acknowledged command with its result.
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
      expect(engine.commandSeq).toBe(view.commandSeq);
      const replayedHash = stateHash(engine);
      expect(typeof hash === 'string' ? hash : hash.hash).toBe(replayedHash);
      for (const { command, result } of all) {
        expect(commands.get(result.commandSeq)).toEqual(decodeCommand(encodeCommand(command)));
        expect(results.get(result.commandSeq)).toEqual(result);
      }
    }
    // The stream really moved money both ways.
    const { rows } = await test.database.query(
      'SELECT kind, count(*)::int AS n FROM ledger_postings GROUP BY kind ORDER BY kind',
    );
    const kinds = Object.fromEntries(rows.map((r) => [r.kind, r.n]));
    expect(kinds.deposit).toBeGreaterThan(100);
    expect(kinds.withdrawal).toBeGreaterThan(10);
    expect(kinds.hold).toBeGreaterThan(50);
    expect(all.length).toBeGreaterThan(1_000);
  }, 120_000);
});
