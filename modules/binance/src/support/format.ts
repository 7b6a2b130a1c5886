// Numbers as Binance writes them: decimal strings with at least 8 decimals ("0.01000000").
import { padDecimals } from '@tradeloom/spot';

/** A decimal string with at least 8 decimals; finer values keep their digits, nothing is rounded. */
export function fmt8(decimal: string): string {
  return padDecimals(decimal, 8);
}

/** Units of an asset (an integer) as a decimal with 8 or more decimals. */
export function unitsFmt8(units: bigint | number, precision: number): string {
  const value = BigInt(units);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(precision + 1, '0');
  const whole = digits.slice(0, digits.length - precision);
  const fraction = digits.slice(digits.length - precision);
  return (negative ? '-' : '') + fmt8(precision === 0 ? whole : `${whole}.${fraction}`);
}

/** A quotient of two non-negative integers as a decimal with exactly 8 decimals (rounded down). */
export function ratioFmt8(numerator: bigint, denominator: bigint): string {
  if (denominator === 0n) return '0.00000000';
  return unitsFmt8((numerator * 100_000_000n) / denominator, 8);
}

/** A decimal string as integer units at `precision` decimals (the value has at most that many). */
export function unitsOf(decimal: string, precision: number): bigint {
  const negative = decimal.startsWith('-');
  const text = negative ? decimal.slice(1) : decimal;
  const [whole = '0', fraction = ''] = text.split('.');
  const units = BigInt(whole + fraction.padEnd(precision, '0').slice(0, precision));
  return negative ? -units : units;
}
