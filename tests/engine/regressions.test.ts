// Pins engine bugs found by the property tests in this folder, each as its minimal counterexample.

import { eventsOf, Harness, idOf } from '@tradeloom/engine/testing';
import { describe, expect, it } from 'vitest';

const SELLER = 7;
const BUYER = 8;

/** A harness whose market has last traded at `price`, with two funded bystanders to make more prints. */
function tradedAt(price: number): Harness {
  const h = new Harness();
  h.fund(SELLER, 'BTC', 1_000);
  h.fund(BUYER, 'USDT', 100_000);
  print(h, price);
  return h;
}

/** One lot traded at `price` between the bystanders; returns the taker's result. */
function print(h: Harness, price: number) {
  h.limit(SELLER, 'SELL', price, 1);
  return h.limit(BUYER, 'BUY', price, 1, { timeInForce: 'IOC' });
}

describe('regressions', () => {
  it('a trade at an unchanged last price activates a trailing stop whose stopPrice condition already holds', () => {
    // docs/engine.md: triggers are evaluated after each taker; a trailing stop with a stopPrice activates
    // when that condition holds, then a SELL triggers at last <= peak x (1 - delta). The engine used to
    // evaluate triggers only when the last price changed, so the print at 100 was ignored, the stop
    // activated at 99 instead, and never fired.
    const h = tradedAt(100);
    h.fund(1, 'BTC', 100);
    const stop = h.place(1, {
      side: 'SELL',
      orderType: 'TAKE_PROFIT',
      stopPrice: 95,
      trailingDeltaBps: 100,
      qty: 1,
    });
    expect(stop.ok).toBe(true);
    print(h, 100); // last stays 100, which meets stopPrice 95: the stop tracks from a peak of 100
    const drop = print(h, 99); // 1% below the peak
    expect(eventsOf(drop, 'orderTriggered').map((e) => e.orderId)).toEqual([idOf(stop)]);
  });
  it('evaluates triggers after each triggered stop, not only after each batch of them', () => {
    // docs/engine.md: triggers are evaluated after each taker finishes; triggered stops run in id order and
    // their trades may trigger more stops. Stop 1 (triggered at 101) buys at 110, which triggers stop 3;
    // stop 2 (triggered at 101 too) then sells at 100. The engine used to run stops 1 and 2 as one batch
    // and evaluate only afterwards, at 100, so stop 3 never fired although a taker left the price at 110.
    const h = tradedAt(100);
    const maker = 6;
    for (const user of [1, 2, 3, maker]) {
      h.fund(user, 'BTC', 1_000);
      h.fund(user, 'USDT', 100_000);
    }
    const buyStop = {
      side: 'BUY',
      orderType: 'STOP_LOSS_LIMIT',
      stopPrice: 101,
      price: 110,
      qty: 1,
    } as const;
    const first = h.place(1, { ...buyStop, timeInForce: 'IOC' });
    const second = h.place(2, { side: 'SELL', orderType: 'TAKE_PROFIT', stopPrice: 101, qty: 1 });
    const third = h.place(3, { side: 'BUY', orderType: 'STOP_LOSS', stopPrice: 105, qty: 1 });
    h.limit(maker, 'SELL', 110, 2);
    h.limit(maker, 'BUY', 100, 1);
    const result = print(h, 101);
    expect(eventsOf(result, 'trade').map((t) => t.price)).toEqual([101, 110, 100]);
    expect(eventsOf(result, 'orderTriggered').map((e) => [e.orderId, e.lastPrice])).toEqual([
      [idOf(first), 101],
      [idOf(second), 101],
      [idOf(third), 110],
    ]);
  });
  it('a market order by quoteQty that spends its budget exactly on the last maker is FILLED, not NO_LIQUIDITY', () => {
    // docs/engine.md: FILLED when the budget is spent, EXPIRED (NO_LIQUIDITY) when the book runs out first.
    // Found by the differential test: the engine looked for the next maker first and reported NO_LIQUIDITY.
    const h = new Harness({ fees: { takerPpm: 10_000 } });
    h.fund(1, 'BTC', 1_000);
    h.fund(2, 'USDT', 10_000);
    h.limit(1, 'SELL', 100, 1);
    const buy = h.place(2, { side: 'BUY', orderType: 'MARKET', quoteQty: 101 }); // 100 + 1% taker fee
    expect(eventsOf(buy, 'orderClosed').map((e) => [e.status, e.reason, e.filledQty])).toEqual([
      ['FILLED', 'FILLED', 1],
      ['FILLED', 'FILLED', 1],
    ]);
    h.limit(2, 'BUY', 100, 1);
    const sell = h.place(1, { side: 'SELL', orderType: 'MARKET', quoteQty: 100 });
    expect(eventsOf(sell, 'orderClosed').map((e) => [e.orderId, e.status, e.reason])).toEqual([
      [idOf(sell) - 1, 'FILLED', 'FILLED'],
      [idOf(sell), 'FILLED', 'FILLED'],
    ]);
  });
});
