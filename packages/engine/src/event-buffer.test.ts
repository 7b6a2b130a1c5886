// Proves events read back from the record buffer equal the objects execute returns, while a consumer keeps a sliding window of commands (discardBefore, compaction, growth).
import { describe, expect, it } from 'vitest';
import type { Command } from './commands.js';
import { acceptedResult, type Engine } from './engine.js';
import type { CommandResult } from './events.js';
import { Harness, MARKET_ID } from './testing/harness.js';

function funded(): Harness {
  const h = new Harness({ fees: { makerPpm: 1_000, takerPpm: 2_000 } });
  h.checkEveryCommand = false;
  for (let user = 1; user <= 6; user++) {
    h.fund(user, 'BTC', 1_000_000);
    h.fund(user, 'USDT', 1_000_000_000);
  }
  return h;
}

/** A seeded mix of resting, crossing, market, stop and cancel commands, with client ids. */
function stream(count: number): Command[] {
  let seed = 7;
  const rnd = (n: number) => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    return (seed >>> 16) % n;
  };
  const commands: Command[] = [];
  for (let i = 0; i < count; i++) {
    const user = 1 + rnd(6);
    const side = rnd(2) === 0 ? 'BUY' : 'SELL';
    const roll = rnd(10);
    const ts = 1_700_000_000_000 + i;
    if (roll < 6) {
      commands.push({
        type: 'placeOrder',
        ts,
        marketId: MARKET_ID,
        user,
        side,
        orderType: 'LIMIT',
        price: 95 + rnd(11),
        qty: 1 + rnd(5),
        ...(rnd(4) === 0 ? { clientOrderId: `c${i}` } : {}),
      });
    } else if (roll < 7) {
      commands.push({
        type: 'placeOrder',
        ts,
        marketId: MARKET_ID,
        user,
        side,
        orderType: 'MARKET',
        qty: 1 + rnd(3),
      });
    } else if (roll < 8) {
      commands.push({
        type: 'placeOrder',
        ts,
        marketId: MARKET_ID,
        user,
        side,
        orderType: 'STOP_LOSS',
        stopPrice: side === 'BUY' ? 120 : 80,
        qty: 1,
      });
    } else {
      commands.push({ type: 'cancelOrder', ts, marketId: MARKET_ID, user, orderId: 1 + rnd(i + 1) });
    }
  }
  return commands;
}

describe('EventBuffer', () => {
  it('gives back, from records kept in a sliding window, exactly the events execute returns', () => {
    const a = funded();
    const b = funded();
    const engine: Engine = b.engine;
    const window: {
      from: number;
      to: number;
      refs: number;
      seq: number;
      orderId: number;
      result: CommandResult | null;
    }[] = [];
    const expected: CommandResult[] = [];
    const got: CommandResult[] = [];
    const drain = (keep: number) => {
      while (window.length > keep) {
        const w = window.shift()!;
        got.push(w.result ?? acceptedResult(w.seq, w.orderId, engine.events.materialize(w.from, w.to)));
      }
      const first = window[0];
      if (first === undefined) engine.events.clear();
      else engine.events.discardBefore(first.from, first.refs);
    };
    const commands = stream(3_000);
    commands.forEach((cmd, i) => {
      expected.push(a.engine.execute(cmd));
      const o = engine.apply(cmd);
      window.push({
        from: o.eventsFrom,
        to: o.eventsTo,
        refs: o.refsFrom,
        seq: o.commandSeq,
        orderId: o.orderId,
        result: o.result,
      });
      // Acknowledge in uneven batches, keeping a varying number of commands back.
      if (i % 97 === 0) drain(i % 13);
    });
    drain(0);
    expect(got).toEqual(expected);
    expect(got.filter((r) => r.ok && r.events.some((e) => e.type === 'trade')).length).toBeGreaterThan(100);
  });

  it('execute leaves the buffer as it found it, and truncate undoes appended records', () => {
    const h = funded();
    const events = h.engine.events;
    const o = h.engine.apply({
      type: 'placeOrder',
      ts: 1,
      marketId: MARKET_ID,
      user: 1,
      side: 'SELL',
      orderType: 'LIMIT',
      price: 100,
      qty: 1,
    });
    const end = events.end;
    const [from, to] = [o.eventsFrom, o.eventsTo];
    const kept = events.materialize(from, to);
    h.engine.execute({
      type: 'placeOrder',
      ts: 2,
      marketId: MARKET_ID,
      user: 2,
      side: 'BUY',
      orderType: 'LIMIT',
      price: 100,
      qty: 1,
    });
    expect(events.end).toBe(end);
    expect(events.materialize(from, to)).toEqual(kept);
    const refEnd = events.refEnd;
    h.engine.apply({
      type: 'placeOrder',
      ts: 3,
      marketId: MARKET_ID,
      user: 1,
      side: 'SELL',
      orderType: 'LIMIT',
      price: 101,
      qty: 1,
      clientOrderId: 'x',
    });
    events.truncate(end, refEnd);
    expect(events.end).toBe(end);
    expect(() => events.truncate(end + 1, refEnd)).toThrow(RangeError);
  });
});
