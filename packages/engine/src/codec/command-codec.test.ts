// Proves the journal codec is lossless: decoding an encoded command gives a command the engine treats identically.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Command, PlaceOrder } from '../commands.js';
import { decodeCommand, encodeCommand, isBinaryEncoded } from './command-codec.js';

const num = fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.constantFrom(0, 1.5, -3, Number.NaN, 2 ** 53));
const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const place: fc.Arbitrary<PlaceOrder> = fc
  .record({
    ts: fc.integer({ min: 0, max: 2 ** 45 }),
    marketId: fc.integer({ min: 0, max: 70_000 }),
    user: num,
    side: fc.constantFrom('BUY' as const, 'SELL' as const),
    orderType: fc.constantFrom(
      'LIMIT' as const,
      'MARKET' as const,
      'STOP_LOSS_LIMIT' as const,
      'LIMIT_MAKER' as const,
    ),
    price: optional(num),
    qty: optional(num),
    quoteQty: optional(num),
    stopPrice: optional(num),
    trailingDeltaBps: optional(num),
    timeInForce: optional(fc.constantFrom('GTC' as const, 'IOC' as const, 'FOK' as const)),
    stp: optional(fc.constantFrom('NONE' as const, 'EXPIRE_MAKER' as const)),
    clientOrderId: optional(fc.string({ maxLength: 40 })),
  })
  .map((r) => {
    const cmd: PlaceOrder = {
      type: 'placeOrder',
      ts: r.ts,
      marketId: r.marketId,
      user: r.user,
      side: r.side,
      orderType: r.orderType,
    };
    for (const [k, v] of Object.entries(r)) if (v !== undefined) Object.assign(cmd, { [k]: v });
    return cmd;
  });

describe('command codec', () => {
  it('round-trips order placements exactly, in binary when possible', () => {
    fc.assert(
      fc.property(place, (cmd) => {
        const bytes = encodeCommand(cmd);
        const decoded = decodeCommand(bytes);
        if (isBinaryEncoded(bytes)) expect(decoded).toEqual(cmd);
        else expect(decoded).toEqual(JSON.parse(JSON.stringify(cmd)));
      }),
      { numRuns: 2000 },
    );
  });

  it('uses the compact layout for plain placements and cancels', () => {
    const cmd: Command = {
      type: 'placeOrder',
      ts: 1,
      marketId: 1,
      user: 7,
      side: 'BUY',
      orderType: 'LIMIT',
      price: 100,
      qty: 5,
    };
    const bytes = encodeCommand(cmd);
    expect(bytes[0]).toBe(1);
    expect(bytes.length).toBe(67);
    const cancel: Command = { type: 'cancelOrder', ts: 2, marketId: 1, user: 7, orderId: 42 };
    expect(encodeCommand(cancel).length).toBe(31);
    expect(decodeCommand(encodeCommand(cancel))).toEqual(cancel);
  });

  it('falls back to JSON for other commands and for fields the layout cannot hold', () => {
    const transfer: Command = {
      type: 'transfer',
      ts: 3,
      key: 'k1',
      kind: 'deposit',
      asset: 'BTC',
      from: { system: 'deposits:btc' },
      to: { user: 1, wallet: 'SPOT' },
      amount: 5,
    };
    expect(encodeCommand(transfer)[0]).toBe(0);
    expect(decodeCommand(encodeCommand(transfer))).toEqual(transfer);
    const odd = {
      type: 'placeOrder',
      ts: 1,
      marketId: 1,
      user: 'x',
      side: 'BUY',
      orderType: 'LIMIT',
    } as unknown as Command;
    expect(isBinaryEncoded(encodeCommand(odd))).toBe(false);
    expect(decodeCommand(encodeCommand(odd))).toEqual(odd);
  });
});
