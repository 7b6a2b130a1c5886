// Exact decimal arithmetic on the strings the API uses (never JS floating point for amounts).

/** A decimal as an integer count of 10^-scale. */
export interface Dec {
  units: bigint;
  scale: number;
}

const PATTERN = /^(\d+)(?:\.(\d+))?$/;
const LENGTH_MAX = 40;

/**
 * What a user typed, as the API wants it: a comma decimal separator (German keyboards) becomes a dot,
 * "1." and ".5" become "1" and "0.5". Null when it is not a plain non-negative decimal.
 */
export function normalizeDecimalInput(text: string): string | null {
  let value = text.trim().replace(',', '.');
  if (value.startsWith('.')) value = `0${value}`;
  if (value.endsWith('.')) value = value.slice(0, -1);
  return value.length <= LENGTH_MAX && PATTERN.test(value) ? value : null;
}

/** Parses a plain non-negative decimal string; null when it is not one. */
export function parseDec(text: string): Dec | null {
  if (text.length > LENGTH_MAX) return null;
  const match = PATTERN.exec(text);
  if (match === null) return null;
  const fraction = match[2] ?? '';
  return { units: BigInt(`${match[1]}${fraction}`), scale: fraction.length };
}

function at(value: Dec, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

export function compareDec(a: Dec, b: Dec): -1 | 0 | 1 {
  const scale = Math.max(a.scale, b.scale);
  const x = at(a, scale);
  const y = at(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function mulDec(a: Dec, b: Dec): Dec {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

export function isZeroDec(value: Dec): boolean {
  return value.units === 0n;
}

/** True when `value` is a whole multiple of `step` (step > 0). */
export function isMultipleOf(value: Dec, step: Dec): boolean {
  const scale = Math.max(value.scale, step.scale);
  const stepUnits = at(step, scale);
  return stepUnits !== 0n && at(value, scale) % stepUnits === 0n;
}

export function addDec(a: Dec, b: Dec): Dec {
  const scale = Math.max(a.scale, b.scale);
  return { units: at(a, scale) + at(b, scale), scale };
}

/** The plain decimal string of a value ("0.0200" keeps its scale). */
export function decToText(value: Dec): string {
  const digits = value.units.toString().padStart(value.scale + 1, '0');
  if (value.scale === 0) return digits;
  return `${digits.slice(0, -value.scale)}.${digits.slice(-value.scale)}`;
}

/** A/B as a fraction in 0..1 with 3 digits, for drawing only (bar widths), never for amounts. */
export function ratioForDisplay(part: Dec, whole: Dec): number {
  const scale = Math.max(part.scale, whole.scale);
  const denominator = at(whole, scale);
  if (denominator === 0n) return 0;
  return Number((at(part, scale) * 1000n) / denominator) / 1000;
}

/** A fee rate as a percentage ("0.001" → "0.1"). */
export function rateToPercent(rate: string): string {
  const value = parseDec(rate);
  if (value === null) return rate;
  const shifted =
    value.scale >= 2
      ? { units: value.units, scale: value.scale - 2 }
      : { units: value.units * 10n ** BigInt(2 - value.scale), scale: 0 };
  const text = decToText(shifted);
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** ⌊a / b⌋ as a whole number (b > 0). */
export function floorDivDec(a: Dec, b: Dec): bigint {
  return (a.units * 10n ** BigInt(b.scale)) / (b.units * 10n ** BigInt(a.scale));
}
