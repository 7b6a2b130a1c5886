// Proves over random streams of every command: conservation, no negative balance, stops evaluated after each taker, rejections change nothing, determinism, snapshot + tail = full replay, idempotent transfers.

import type { Command, CommandResult, EngineState } from '@tradeloom/engine';
import { captureState, checkInvariants, encodeSnapshot, restoreSnapshot, stateHash } from '@tradeloom/engine';
import type { Harness } from '@tradeloom/engine/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { harnessFor, runStream, streamArb } from './support/full-command-stream.js';

/** ENGINE_PBT_RUNS raises the run count for a longer search. */
const RUNS = Number(process.env.ENGINE_PBT_RUNS ?? 200);

/** Sum of available + held per asset over every account, system accounts included. */
function totalsByAsset(state: EngineState): Map<string, number> {
  const totals = new Map<string, number>();
  for (const [, , asset, , available, held] of state.accounts)
    totals.set(asset, (totals.get(asset) ?? 0) + available + held);
  return totals;
}

/** Balances and named holds: what a repeated idempotent command must not change. */
function money(h: Harness): string {
  const state = captureState(h.engine);
  return JSON.stringify({ accounts: state.accounts, holds: state.holds });
}

const holds = (dir: number, last: number, stopPrice: number) =>
  dir > 0 ? last >= stopPrice : last <= stopPrice;

/**
 * docs/engine.md: triggers are evaluated after each taker against the last price, until nothing more triggers.
 * So after a command no plain stop may hold its trigger, and after a command that traded no trailing stop may
 * still wait for an activation condition that holds or be past its trailing trigger. Returns what is wrong.
 */
function staleStop(state: EngineState, traded: boolean): string | null {
  for (const m of state.markets) {
    const last = m.lastPrice;
    if (last === 0) continue;
    for (const o of [...m.stopsUp, ...m.stopsDown]) {
      const [id, , , , , , , , , stopPrice] = o;
      if (holds(o[20], last, stopPrice)) return `stop ${id} (stopPrice ${stopPrice}) pending at last ${last}`;
    }
    for (const o of m.trailing) {
      const [id, , side, , , , , , , stopPrice, delta] = o;
      const ref = o[21];
      if (ref === 0) {
        if (stopPrice === 0) return `trailing stop ${id} not tracking although the market has traded`;
        if (traded && holds(o[20], last, stopPrice))
          return `trailing stop ${id} not activated although last ${last} meets stopPrice ${stopPrice}`;
        continue;
      }
      const past =
        side === 0 ? last * 10_000 >= ref * (10_000 + delta) : last * 10_000 <= ref * (10_000 - delta);
      if (past) return `trailing stop ${id} pending past its trigger (ref ${ref}, last ${last})`;
      if (side === 0 ? ref > last : ref < last)
        return `trailing stop ${id} reference ${ref} behind last ${last}`;
    }
  }
  return null;
}

type StopRow = EngineState['markets'][number]['stopsUp'][number];

/**
 * The price after each taker of a command (the incoming order, then each triggered stop): a plain stop pending
 * before the command whose trigger held at one of them must have been triggered (or closed) by the command.
 */
function skippedStop(pendingBefore: readonly StopRow[], result: CommandResult): string | null {
  if (!result.ok || pendingBefore.length === 0) return null;
  const afterTaker: number[] = [];
  let taker = 0;
  const handled = new Set<number>();
  for (const e of result.events) {
    if (e.type === 'orderTriggered' || e.type === 'orderClosed') handled.add(e.orderId);
    if (e.type !== 'trade') continue;
    const id = e.makerOrderId === e.buyOrderId ? e.sellOrderId : e.buyOrderId;
    if (id === taker) afterTaker[afterTaker.length - 1] = e.price;
    else afterTaker.push(e.price);
    taker = id;
  }
  for (const o of pendingBefore) {
    const [id, , , , , , , , , stopPrice] = o;
    const at = afterTaker.find((price) => holds(o[20], price, stopPrice));
    if (at !== undefined && !handled.has(id))
      return `stop ${id} (stopPrice ${stopPrice}) not triggered although a taker left the last price at ${at}`;
  }
  return null;
}

/** The canonical state without commandSeq, which every command, rejected or not, advances. */
function withoutSeq(h: Harness): string {
  return JSON.stringify({ ...captureState(h.engine), commandSeq: 0 });
}

function replay(commands: readonly Command[], h: Harness): CommandResult[] {
  return commands.map((cmd) => h.run(cmd));
}

describe('engine properties over random command streams', () => {
  it('conserves every asset and keeps every invariant after each command', () => {
    fc.assert(
      fc.property(streamArb, (s) => {
        // The harness runs checkInvariants after every command (it throws on a violation).
        runStream(s, (h, cmd) => {
          for (const [asset, total] of totalsByAsset(captureState(h.engine)))
            if (total !== 0) expect.fail(`${asset} sums to ${total} after ${JSON.stringify(cmd)}`);
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('never lets a user balance, available or held, go negative', () => {
    fc.assert(
      fc.property(streamArb, (s) => {
        runStream(s, (h, cmd) => {
          for (const [user, system, asset, wallet, available, held] of captureState(h.engine).accounts) {
            if (system === null && (available < 0 || held < 0))
              expect.fail(
                `user ${user} ${asset} ${wallet} at ${available}/${held} after ${JSON.stringify(cmd)}`,
              );
          }
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('leaves no pending stop whose trigger (or trailing activation) holds at the last price', () => {
    fc.assert(
      fc.property(streamArb, (s) => {
        let pending: StopRow[] = [];
        runStream(s, (h, cmd, result) => {
          const state = captureState(h.engine);
          const traded = result.ok && result.events.some((e) => e.type === 'trade');
          const problem = staleStop(state, traded) ?? skippedStop(pending, result);
          if (problem !== null) expect.fail(`after ${JSON.stringify(cmd)}: ${problem}`);
          pending = state.markets.flatMap((m) => [...m.stopsUp, ...m.stopsDown]);
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('leaves the state exactly as it was when it rejects a command', () => {
    fc.assert(
      fc.property(streamArb, (s) => {
        let before = '';
        runStream(
          s,
          (h, cmd, result) => {
            const after = withoutSeq(h);
            if (!result.ok && after !== before)
              expect.fail(`${result.code} changed the state: ${JSON.stringify(cmd)}`);
            before = after;
          },
          (h) => {
            before = withoutSeq(h);
          },
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('is deterministic: the same stream into two fresh engines gives the same results and state hash', () => {
    fc.assert(
      fc.property(streamArb, (s) => {
        const first = runStream(s);
        const second = harnessFor(s);
        expect(replay(first.commands, second)).toEqual(first.results);
        expect(stateHash(second.engine)).toBe(stateHash(first.harness.engine));
      }),
      { numRuns: RUNS },
    );
  });

  it('restores a snapshot taken after k commands and continues exactly like the uninterrupted run', () => {
    fc.assert(
      fc.property(streamArb, fc.nat(), (s, cutSeed) => {
        const full = runStream(s);
        const k = cutSeed % (full.commands.length + 1);
        const head = harnessFor(s);
        replay(full.commands.slice(0, k), head);
        const restored = restoreSnapshot(encodeSnapshot(head.engine));
        expect(stateHash(restored)).toBe(stateHash(head.engine));
        checkInvariants(restored);
        const tail = full.commands.slice(k).map((cmd) => {
          const result = restored.execute(cmd);
          checkInvariants(restored);
          return result;
        });
        expect(tail).toEqual(full.results.slice(k));
        expect(stateHash(restored)).toBe(stateHash(full.harness.engine));
      }),
      { numRuns: RUNS },
    );
  });

  it('repeating an accepted transfer or settlement (same key) changes no balance', () => {
    fc.assert(
      fc.property(streamArb, (s) => {
        const firsts = new Map<string, { cmd: Command; result: CommandResult }>();
        const repeat = (h: Harness, cmd: Command, first: CommandResult) => {
          const before = money(h);
          const again = h.run({ ...cmd, ts: cmd.ts + 1 });
          expect(again.ok && again.duplicate).toBe(true);
          expect(again.ok && again.events).toEqual(first.ok && first.events);
          expect(money(h)).toBe(before);
        };
        const { harness } = runStream(s, (h, cmd, result) => {
          if ((cmd.type !== 'transfer' && cmd.type !== 'settleHold') || !result.ok || result.duplicate)
            return;
          firsts.set(cmd.key, { cmd, result });
          repeat(h, cmd, result);
        });
        // Later, after other commands moved the same accounts, every key still changes nothing.
        for (const { cmd, result } of firsts.values()) repeat(harness, cmd, result);
      }),
      { numRuns: RUNS },
    );
  });
});
