// Invariant checks over the whole state. Tests run them after every command; the engine process
// can run them after recovery. Each failure is an InvariantError naming what broke.
import { assert } from '../assert.js';
import type { Engine } from '../engine.js';
import type { Account } from '../ledger/account.js';
import type { BookSide } from '../matching/book-side.js';
import { buyHoldFor } from '../matching/matcher.js';
import { BUY } from '../matching/order.js';

/** Assert every invariant of the engine state; throws InvariantError on the first violation. */
export function checkInvariants(engine: Engine): void {
  const { ledger, matcher } = engine;
  // Exact sums: an asset's balances together may exceed 2^53 even though each one is a safe integer.
  const totals = new Map<string, bigint>();
  const reserved = new Map<Account, number>();
  for (const account of ledger.allAccounts()) {
    assert(
      Number.isSafeInteger(account.available) && Number.isSafeInteger(account.held),
      `non-integer balance on ${account.key}`,
    );
    assert(account.held >= 0, `negative held on account ${account.key}`);
    if (!account.allowNegative)
      assert(account.available >= 0, `negative available on account ${account.key}`);
    totals.set(
      account.asset,
      (totals.get(account.asset) ?? 0n) + BigInt(account.available) + BigInt(account.held),
    );
  }
  for (const [asset, total] of totals) assert(total === 0n, `asset ${asset} not conserved: sum ${total}`);

  for (const hold of ledger.holds.values()) {
    assert(hold.amount > 0, `empty hold ${hold.holdId} left open`);
    reserved.set(hold.account, (reserved.get(hold.account) ?? 0) + hold.amount);
  }
  let openCount = 0;
  for (const order of matcher.orders.values()) {
    assert(order.open, `closed order ${order.id} still indexed`);
    assert(
      order.level !== null || order.pending,
      `open order ${order.id} neither rests nor waits for a trigger`,
    );
    assert(order.hold >= 0, `negative hold on order ${order.id}`);
    reserved.set(order.spend, (reserved.get(order.spend) ?? 0) + order.hold);
    const m = matcher.markets.get(order.marketId)!;
    if (order.level !== null) {
      assert(order.remaining > 0, `resting order ${order.id} has nothing left`);
      if (order.side === BUY && order.sibling === null) {
        assert(order.hold >= buyHoldFor(m, order), `order ${order.id} holds less than it may spend`);
      }
      if (order.side !== BUY && order.sibling === null) {
        assert(order.hold === m.baseUnits(order.remaining), `sell order ${order.id} hold mismatch`);
      }
    }
    openCount++;
  }
  for (const account of ledger.allAccounts()) {
    assert(
      account.held === (reserved.get(account) ?? 0),
      `held on account ${account.key} differs from its reservations`,
    );
  }

  let userListed = 0;
  for (const um of matcher.userMarkets.values()) {
    let n = 0;
    let stops = 0;
    for (let o = um.head; o !== null; o = o.userNext) {
      n++;
      if (o.pending) stops++;
    }
    assert(n === um.count && stops === um.stopCount, 'per-user order counts out of step');
    userListed += n;
  }
  assert(userListed === openCount, 'per-user lists and the order index disagree');

  for (const m of matcher.markets.values()) {
    checkSide(m.bids);
    checkSide(m.asks);
    const bid = m.bids.best();
    const ask = m.asks.best();
    if (bid !== undefined && ask !== undefined)
      assert(bid.price < ask.price, `book ${m.spec.symbol} crossed at rest`);
  }
}

function checkSide(side: BookSide): void {
  let previous: number | null = null;
  for (const level of side.levels) {
    assert(level.count > 0, `empty level ${level.price} kept`);
    assert(side.byPrice.get(level.price) === level, `level ${level.price} not indexed`);
    if (previous !== null) assert(side.better(level.price, previous), 'levels out of order');
    previous = level.price;
    let total = 0;
    let count = 0;
    for (let o = level.head; o !== null; o = o.next) {
      assert(o.level === level && o.price === level.price, `order ${o.id} on the wrong level`);
      total += o.remaining;
      count++;
    }
    assert(total === level.total && count === level.count, `level ${level.price} totals out of step`);
  }
  assert(side.byPrice.size === side.levels.length, 'level index size mismatch');
}
