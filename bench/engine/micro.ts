// Micro-measurements of the engine's hot paths, for profiling work between full benchmark runs:
//   node --import tsx bench/engine/micro.ts
// Prints ns per command for: a one-fill IOC taker against a deep book, resting place + cancel churn
// with 15,000 resting orders, and a rejected cancel.
import { Engine } from '@tradeloom/engine';
import { setupCommands } from './tradeloom-driver.js';

function freshEngine(): Engine {
  const engine = new Engine();
  for (const command of setupCommands(1_000)) engine.execute(command);
  return engine;
}

function measure(label: string, count: number, step: (i: number) => void): void {
  for (let i = 0; i < Math.min(count, 100_000); i++) step(i);
  const start = performance.now();
  for (let i = 0; i < count; i++) step(i);
  const ns = ((performance.now() - start) * 1e6) / count;
  console.log(`${label.padEnd(44)} ${ns.toFixed(0).padStart(6)} ns/command`);
}

const taker = freshEngine();
for (let i = 0; i < 200_000; i++) {
  taker.execute({
    type: 'placeOrder',
    ts: i,
    marketId: 1,
    user: 1 + (i % 1_000),
    side: 'SELL',
    orderType: 'LIMIT',
    timeInForce: 'GTC',
    price: 11_000 + (i % 100),
    qty: 100,
  });
}
measure('IOC taker, one fill, deep book', 1_000_000, (i) => {
  taker.execute({
    type: 'placeOrder',
    ts: i,
    marketId: 1,
    user: 1 + ((i + 7) % 1_000),
    side: 'BUY',
    orderType: 'LIMIT',
    timeInForce: 'IOC',
    price: 12_000,
    qty: 3,
  });
});

const churn = freshEngine();
const ids: number[] = [];
for (let i = 0; i < 15_000; i++) {
  const r = churn.execute({
    type: 'placeOrder',
    ts: i,
    marketId: 1,
    user: 1 + (i % 1_000),
    side: 'BUY',
    orderType: 'LIMIT',
    timeInForce: 'GTC',
    price: 9_000 + (i % 300),
    qty: 100,
  });
  ids.push(r.ok ? (r.orderId ?? 0) : 0);
}
measure('cancel + resting place, 15k resting (per cmd)', 1_000_000, (i) => {
  const k = (i * 7_919) % ids.length;
  const user = 1 + (k % 1_000);
  churn.execute({ type: 'cancelOrder', ts: i, marketId: 1, user, orderId: ids[k]! });
  const r = churn.execute({
    type: 'placeOrder',
    ts: i,
    marketId: 1,
    user,
    side: 'BUY',
    orderType: 'LIMIT',
    timeInForce: 'GTC',
    price: 9_000 + (i % 300),
    qty: 100,
  });
  ids[k] = r.ok ? (r.orderId ?? 0) : 0;
});
console.log('  (the line above times a pair: halve it for one command)');

measure('rejected cancel (unknown order)', 1_000_000, (i) => {
  churn.execute({ type: 'cancelOrder', ts: i, marketId: 1, user: 5, orderId: 1 });
});
