// Amounts at the API edge are decimal strings; inside they are integers of the asset's smallest unit
// (the engine's safe integers). These are the only conversions.
import { DomainError } from '@tradeloom/kernel';
import { formatAmount, MoneyError, parseAmount } from '@tradeloom/money';

const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Parses a positive amount (zero only with `allowZero`) at the asset's precision into engine units;
 * WALLET_AMOUNT_INVALID for anything else (exponents, too many decimals, beyond the engine's range).
 */
export function parseUnits(text: string, precision: number, field = 'amount', allowZero = false): number {
  try {
    const units = parseAmount(text, precision, { allowZero, max: SAFE_MAX });
    return Number(units);
  } catch (error) {
    if (error instanceof MoneyError) {
      throw new DomainError('WALLET_AMOUNT_INVALID', `${field}: ${error.message}`, { field });
    }
    throw error;
  }
}

/** Formats engine units (or a bigint sum) as a decimal string at the asset's precision. */
export function formatUnits(units: number | bigint | string, precision: number): string {
  return formatAmount(BigInt(units), precision);
}
