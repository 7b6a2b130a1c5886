// "Use 25 % of my balance": the largest amount on the market's lot grid that the share of the
// available balance pays for, fees included, so the engine's hold fits.
import {
  addDec,
  type Dec,
  decToText,
  floorDivDec,
  isZeroDec,
  mulDec,
  normalizeDecimalInput,
  parseDec,
} from './decimal';
import type { Market } from './types';

const ONE: Dec = { units: 1n, scale: 0 };
const HUNDRED: Dec = { units: 100n, scale: 0 };

/**
 * The amount for `percent` of `available`: of the base asset for a sell; for a limit buy, of the quote
 * asset at `price` plus the taker fee (the most the order can cost). Null when it cannot be known
 * (a buy without a valid price) or comes to nothing.
 */
export function amountForShare(
  market: Market,
  side: 'BUY' | 'SELL',
  available: string,
  percent: number,
  price: string | null,
): string | null {
  const balance = parseDec(available);
  const lot = parseDec(market.lotSize);
  if (balance === null || lot === null || isZeroDec(lot)) return null;
  const share = mulDec(balance, { units: BigInt(percent), scale: 0 });
  let perLot: Dec = mulDec(HUNDRED, lot);
  if (side === 'BUY') {
    const normalized = price === null ? null : normalizeDecimalInput(price);
    const priceDec = normalized === null ? null : parseDec(normalized);
    const fee = parseDec(market.takerFee);
    if (priceDec === null || isZeroDec(priceDec) || fee === null) return null;
    perLot = mulDec(mulDec(perLot, priceDec), addDec(ONE, fee));
  }
  const lots = floorDivDec(share, perLot);
  if (lots <= 0n) return null;
  return decToText(mulDec({ units: lots, scale: 0 }, lot));
}

/**
 * A market buy's quote total for `percent` of the available quote balance, leaving room for the
 * taker fee, cut to the quote asset's decimals. Null when it comes to nothing.
 */
export function totalForShare(market: Market, available: string, percent: number): string | null {
  const balance = parseDec(available);
  const fee = parseDec(market.takerFee);
  if (balance === null || fee === null) return null;
  const unit: Dec = { units: 1n, scale: market.quotePrecision };
  const share = mulDec(balance, { units: BigInt(percent), scale: 0 });
  const units = floorDivDec(share, mulDec(mulDec(HUNDRED, addDec(ONE, fee)), unit));
  if (units <= 0n) return null;
  return decToText({ units, scale: market.quotePrecision });
}
