// Order book levels merged into coarser price steps (the "group by" of an exchange screen): bids
// round down, asks round up, so a grouped level never shows a better price than its orders have.
import { addDec, type Dec, decToText, parseDec } from './decimal';
import { stepDecimals } from './format';
import type { BookLevel } from './types';

/** The choices offered for a tick size: the tick and 10 to 100,000 ticks ("0.01" → 0.01 … 1000). */
export function groupingSteps(tickSize: string): string[] {
  const tick = parseDec(tickSize);
  if (tick === null || tick.units === 0n) return [tickSize];
  return [0n, 1n, 2n, 3n, 4n, 5n].map((power) => {
    const units = tick.units * 10n ** power;
    const value: Dec = { units, scale: tick.scale };
    return trimText(decToText(value));
  });
}

function trimText(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** Merges `levels` (best first) into steps of `step`; prices keep the step's decimals. */
export function groupLevels(
  levels: BookLevel[],
  step: string,
  side: 'bid' | 'ask',
  limit: number,
): BookLevel[] {
  const stepDec = parseDec(step);
  if (stepDec === null || stepDec.units === 0n) return levels.slice(0, limit);
  const decimals = stepDecimals(step);
  const grouped = new Map<bigint, Dec>();
  for (const [price, qty] of levels) {
    const priceDec = parseDec(price);
    const qtyDec = parseDec(qty);
    if (priceDec === null || qtyDec === null) continue;
    // Both at one scale: how many steps the price is, rounded to the side's safe direction.
    const scale = Math.max(priceDec.scale, stepDec.scale);
    const p = priceDec.units * 10n ** BigInt(scale - priceDec.scale);
    const s = stepDec.units * 10n ** BigInt(scale - stepDec.scale);
    const steps = side === 'bid' ? p / s : (p + s - 1n) / s;
    const current = grouped.get(steps);
    grouped.set(steps, current === undefined ? qtyDec : addDec(current, qtyDec));
    if (grouped.size > limit) break;
  }
  const result: BookLevel[] = [];
  for (const [steps, qty] of grouped) {
    if (result.length === limit) break;
    const price = { units: steps * stepDec.units, scale: stepDec.scale };
    const text = decToText(price);
    const [whole = '0', fraction = ''] = text.split('.');
    result.push([
      decimals === 0 ? whole : `${whole}.${fraction.padEnd(decimals, '0').slice(0, decimals)}`,
      decToText(qty),
    ]);
  }
  return result;
}
