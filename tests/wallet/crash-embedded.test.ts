// Embedded mode's engine and projector share one process with PGlite: SIGKILL it during deposits and
// withdrawals, three times. After each restart PGlite opens, the engine recovers everything it
// acknowledged, and the projection (re-fed from the journal where it lagged) reconciles with it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { defaultMigrationsDir, migrate, openDatabase } from '@tradeloom/db';
import { captureState } from '@tradeloom/engine';
import { openProjectedEngine } from '@tradeloom/engine-app';
import { projectionMigrationsDir, reconcileLedger } from '@tradeloom/projection';
import { afterAll, describe, expect, it } from 'vitest';
import { USERS } from '../support/wallet-command-stream.js';

describe('embedded engine + projector + PGlite: SIGKILL during deposits and withdrawals', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-embedded-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function runUntilKilled(round: number, killAfterMs: number): Promise<number> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/embedded-engine-child.ts'], {
      env: { ...process.env, DATA_DIR: dir, ROUND: String(round) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let maxAcked = 0;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    for await (const line of createInterface({ input: child.stdout! })) {
      if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      else if (line.startsWith('ack ')) maxAcked = Math.max(maxAcked, Number(line.slice(4)));
    }
    await exited;
    return maxAcked;
  }

  it('recovers every acknowledged command and a projection that reconciles', async () => {
    for (let round = 0; round < 3; round++) {
      const maxAcked = await runUntilKilled(round, 700 + round * 300);
      expect(maxAcked).toBeGreaterThan(0);

      const database = await openDatabase({ dataDir: join(dir, 'db') });
      await migrate(database, {
        sources: [{ dir: defaultMigrationsDir }, { module: 'projection', dir: projectionMigrationsDir }],
      });
      const projected = await openProjectedEngine(database, { dataDir: dir, snapshotEvery: 300 });
      expect(projected.host.engine.commandSeq).toBeGreaterThanOrEqual(maxAcked);
      const state = captureState(projected.host.engine);
      const report = await reconcileLedger(database, {
        commandSeq: state.commandSeq,
        accounts: state.accounts,
      });
      expect(report.mismatches).toEqual([]);
      expect(report.unbalancedAssets).toEqual([]);
      expect(report.accounts).toBeGreaterThan(USERS);
      await projected.close();
      await database.close();
    }
  }, 120_000);
});
