// Proves every rounding mode picks the right neighbour of the exact quotient, and rescaling loses exactly the remainder.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { divRound, mulDiv, type RoundingMode, rescale, rescaleWithRemainder } from './rounding.js';

const MODES: readonly RoundingMode[] = ['down', 'up', 'half-even', 'half-up', 'floor', 'ceil'];
const abs = (x: bigint): bigint => (x < 0n ? -x : x);
const signOf = (x: bigint): bigint => (x < 0n ? -1n : x > 0n ? 1n : 0n);

const bigArb = fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n });
const smallArb = fc.bigInt({ min: -50n, max: 50n });
const divisorArb = fc.oneof(smallArb, bigArb).filter((b) => b !== 0n);
const dividendArb = fc.oneof(smallArb, bigArb);

// Checks q against a/b using only integer arithmetic: d = a - q*b, and sign(d)*sign(b) = sign(a/b - q).
function assertBounds(a: bigint, b: bigint, q: bigint, mode: RoundingMode): void {
  const d = a - q * b;
  const aboveQ = signOf(d) * signOf(b); // 1 when the exact quotient is above q
  expect(abs(d) < abs(b)).toBe(true);
  const quotientSign = signOf(a) * signOf(b);
  switch (mode) {
    case 'floor':
      expect(aboveQ >= 0n).toBe(true);
      break;
    case 'ceil':
      expect(aboveQ <= 0n).toBe(true);
      break;
    case 'down':
      expect(abs(q * b) <= abs(a)).toBe(true);
      expect(q === 0n || signOf(q) === quotientSign).toBe(true);
      break;
    case 'up':
      expect(abs(q * b) >= abs(a)).toBe(true);
      expect(q === 0n || signOf(q) === quotientSign).toBe(true);
      break;
    case 'half-up':
    case 'half-even': {
      expect(2n * abs(d) <= abs(b)).toBe(true);
      if (2n * abs(d) === abs(b)) {
        if (mode === 'half-up') expect(abs(q * b) > abs(a)).toBe(true);
        else expect(q % 2n).toBe(0n);
      }
      break;
    }
  }
}

// An independent oracle: a/b = floor + r/b with 0 <= r < b after making b positive, then each mode picks
// floor or floor + 1 by comparing the fraction r/b with 0 and 1/2 (as 2r against b) and by the sign of a/b.
function referenceDivRound(a: bigint, b: bigint, mode: RoundingMode): bigint {
  if (b < 0n) {
    a = -a;
    b = -b;
  }
  const r = ((a % b) + b) % b;
  const floor = (a - r) / b;
  if (r === 0n) return floor;
  const ceil = floor + 1n;
  const towardZero = a > 0n ? floor : ceil;
  const awayFromZero = a > 0n ? ceil : floor;
  switch (mode) {
    case 'floor':
      return floor;
    case 'ceil':
      return ceil;
    case 'down':
      return towardZero;
    case 'up':
      return awayFromZero;
    case 'half-up':
    case 'half-even':
      if (2n * r < b) return floor;
      if (2n * r > b) return ceil;
      if (mode === 'half-up') return awayFromZero;
      return floor % 2n === 0n ? floor : ceil;
  }
}

describe('divRound', () => {
  it.each<[bigint, bigint, Record<RoundingMode, bigint>]>([
    [7n, 2n, { down: 3n, up: 4n, 'half-even': 4n, 'half-up': 4n, floor: 3n, ceil: 4n }],
    [5n, 2n, { down: 2n, up: 3n, 'half-even': 2n, 'half-up': 3n, floor: 2n, ceil: 3n }],
    [-7n, 2n, { down: -3n, up: -4n, 'half-even': -4n, 'half-up': -4n, floor: -4n, ceil: -3n }],
    [-5n, 2n, { down: -2n, up: -3n, 'half-even': -2n, 'half-up': -3n, floor: -3n, ceil: -2n }],
    [5n, -2n, { down: -2n, up: -3n, 'half-even': -2n, 'half-up': -3n, floor: -3n, ceil: -2n }],
    [7n, 3n, { down: 2n, up: 3n, 'half-even': 2n, 'half-up': 2n, floor: 2n, ceil: 3n }],
    [8n, 3n, { down: 2n, up: 3n, 'half-even': 3n, 'half-up': 3n, floor: 2n, ceil: 3n }],
    [6n, 3n, { down: 2n, up: 2n, 'half-even': 2n, 'half-up': 2n, floor: 2n, ceil: 2n }],
    [0n, -3n, { down: 0n, up: 0n, 'half-even': 0n, 'half-up': 0n, floor: 0n, ceil: 0n }],
  ])('divides %d by %d', (a, b, expected) => {
    for (const mode of MODES) expect([mode, divRound(a, b, mode)]).toEqual([mode, expected[mode]]);
  });

  it('throws on division by zero', () => {
    expect(() => divRound(1n, 0n, 'down')).toThrow(RangeError);
  });

  it('lands within the right distance of the exact quotient for every mode', () => {
    fc.assert(
      fc.property(dividendArb, divisorArb, fc.constantFrom(...MODES), (a, b, mode) => {
        assertBounds(a, b, divRound(a, b, mode), mode);
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees with the floor-and-fraction oracle for every mode', () => {
    fc.assert(
      fc.property(dividendArb, divisorArb, fc.constantFrom(...MODES), (a, b, mode) => {
        expect(divRound(a, b, mode)).toBe(referenceDivRound(a, b, mode));
      }),
      { numRuns: 5000 },
    );
  });

  it('breaks exact ties by mode', () => {
    fc.assert(
      fc.property(dividendArb, divisorArb, (q, half) => {
        // a / b = q + 1/2 exactly, with the sign of the quotient following q (or the tie when q = 0).
        const b = 2n * half;
        const a = q * b + (q < 0n ? -half : half);
        assertBounds(a, b, divRound(a, b, 'half-up'), 'half-up');
        assertBounds(a, b, divRound(a, b, 'half-even'), 'half-even');
        expect(divRound(a, b, 'half-up')).toBe(divRound(a, b, 'up'));
        expect(divRound(a, b, 'half-even')).toBe(referenceDivRound(a, b, 'half-even'));
      }),
    );
  });

  it('agrees across modes when the division is exact', () => {
    fc.assert(
      fc.property(dividendArb, divisorArb, fc.constantFrom(...MODES), (q, b, mode) => {
        expect(divRound(q * b, b, mode)).toBe(q);
      }),
    );
  });
});

describe('mulDiv', () => {
  it('stays exact far beyond float precision', () => {
    expect(mulDiv(10n ** 30n + 1n, 3n, 3n, 'down')).toBe(10n ** 30n + 1n);
    expect(mulDiv(2n ** 80n + 1n, 2n ** 70n + 3n, 2n ** 70n + 3n, 'half-even')).toBe(2n ** 80n + 1n);
    // 0.1 BTC at 30000.5 USDT with 8 and 6 decimals: 10_000_000 * 30_000_500_000 / 10^8.
    expect(mulDiv(10_000_000n, 30_000_500_000n, 10n ** 8n, 'down')).toBe(3_000_050_000n);
  });

  it('rounds only the final quotient', () => {
    fc.assert(
      fc.property(dividendArb, dividendArb, divisorArb, fc.constantFrom(...MODES), (a, b, c, mode) => {
        const q = mulDiv(a, b, c, mode);
        assertBounds(a * b, c, q, mode);
        expect(q).toBe(divRound(a * b, c, mode));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('rescale', () => {
  // [fromScale, toScale] with toScale <= fromScale.
  const scalePair = fc
    .tuple(fc.integer({ min: 0, max: 18 }), fc.integer({ min: 0, max: 18 }))
    .map(([x, y]): [number, number] => (x >= y ? [x, y] : [y, x]));

  it('loses exactly the remainder when going down then back up', () => {
    fc.assert(
      fc.property(dividendArb, scalePair, (units, [from, to]) => {
        const { units: down, remainder } = rescaleWithRemainder(units, from, to);
        expect(down).toBe(rescale(units, from, to, 'down'));
        expect(rescale(down, to, from, 'down') + remainder).toBe(units);
        expect(abs(remainder) < 10n ** BigInt(from - to)).toBe(true);
        expect(remainder === 0n || signOf(remainder) === signOf(units)).toBe(true);
      }),
    );
  });

  it('is lossless going up then down', () => {
    fc.assert(
      fc.property(dividendArb, scalePair, fc.constantFrom(...MODES), (units, [from, to], mode) => {
        expect(rescale(rescale(units, to, from, mode), from, to, mode)).toBe(units);
        expect(rescaleWithRemainder(units, to, from).remainder).toBe(0n);
      }),
    );
  });

  it('rounds when dropping decimals', () => {
    expect(rescale(1_234_567_890n, 8, 2, 'down')).toBe(1_234n);
    expect(rescale(1_235_000_000n, 8, 2, 'half-even')).toBe(1_235n);
    expect(rescale(-1_234_567_890n, 8, 2, 'floor')).toBe(-1_235n);
    expect(rescaleWithRemainder(-1_234_567_890n, 8, 2)).toEqual({ units: -1_234n, remainder: -567_890n });
  });

  it('rejects invalid scales', () => {
    expect(() => rescale(1n, 0, 19, 'down')).toThrow(expect.objectContaining({ code: 'INVALID_SCALE' }));
    expect(() => rescaleWithRemainder(1n, -1, 0)).toThrow(expect.objectContaining({ code: 'INVALID_SCALE' }));
  });
});
