// The market's filters checked before an order is sent, so the user sees what to fix next to the
// field. The API checks them again (and more: balance, price band); its refusals are shown too.
import {
  compareDec,
  type Dec,
  isMultipleOf,
  isZeroDec,
  mulDec,
  normalizeDecimalInput,
  parseDec,
} from './decimal';
import type { Market } from './types';

export type OrderType = 'LIMIT' | 'MARKET';

export interface OrderDraft {
  type: OrderType;
  price: string;
  quantity: string;
  /** Market orders: by an amount of the base asset (default) or a total of the quote asset. */
  by?: 'base' | 'quote';
  total?: string;
}

/** A problem with a field: a message key of `orderForm.errors` and its values. */
export interface FieldProblem {
  key:
    | 'required'
    | 'format'
    | 'positive'
    | 'tick'
    | 'lot'
    | 'minPrice'
    | 'maxPrice'
    | 'minQty'
    | 'maxQty'
    | 'minNotional'
    | 'precision';
  values?: Record<string, string>;
}

export interface OrderCheck {
  price?: FieldProblem;
  quantity?: FieldProblem;
  total?: FieldProblem;
  /** Problems of the whole order (min notional). */
  order?: FieldProblem;
  /** The normalised decimals to send when there is no problem. */
  normalized?: { price?: string; quantity?: string; quoteOrderQty?: string };
}

function decOf(text: string): Dec {
  const value = parseDec(text);
  if (value === null) throw new Error(`market filter is not a decimal: ${text}`);
  return value;
}

function checkNumber(
  raw: string,
  step: string,
  min: string,
  max: string,
  names: { step: 'tick' | 'lot'; min: 'minPrice' | 'minQty'; max: 'maxPrice' | 'maxQty' },
): { value?: string; problem?: FieldProblem } {
  if (raw.trim() === '') return { problem: { key: 'required' } };
  const value = normalizeDecimalInput(raw);
  const parsed = value === null ? null : parseDec(value);
  if (value === null || parsed === null) return { problem: { key: 'format' } };
  if (isZeroDec(parsed)) return { problem: { key: 'positive' } };
  if (!isMultipleOf(parsed, decOf(step))) return { problem: { key: names.step, values: { step } } };
  const minDec = decOf(min);
  if (!isZeroDec(minDec) && compareDec(parsed, minDec) < 0)
    return { problem: { key: names.min, values: { min } } };
  const maxDec = decOf(max);
  if (!isZeroDec(maxDec) && compareDec(parsed, maxDec) > 0)
    return { problem: { key: names.max, values: { max } } };
  return { value };
}

/** Checks a draft against the market's tick, lot, price and quantity range and minimum notional. */
export function checkOrder(market: Market, draft: OrderDraft): OrderCheck {
  if (draft.type === 'MARKET' && draft.by === 'quote') return checkQuoteTotal(market, draft.total ?? '');
  const result: OrderCheck = {};
  const quantity = checkNumber(draft.quantity, market.lotSize, market.minQty, market.maxQty, {
    step: 'lot',
    min: 'minQty',
    max: 'maxQty',
  });
  if (quantity.problem) result.quantity = quantity.problem;
  let price: { value?: string; problem?: FieldProblem } = {};
  if (draft.type === 'LIMIT') {
    price = checkNumber(draft.price, market.tickSize, market.minPrice, market.maxPrice, {
      step: 'tick',
      min: 'minPrice',
      max: 'maxPrice',
    });
    if (price.problem) result.price = price.problem;
  }
  if (result.price || result.quantity || quantity.value === undefined) return result;
  if (draft.type === 'LIMIT' && price.value !== undefined) {
    const notional = mulDec(decOf(price.value), decOf(quantity.value));
    if (compareDec(notional, decOf(market.minNotional)) < 0) {
      result.order = { key: 'minNotional', values: { min: market.minNotional, quote: market.quote } };
      return result;
    }
    result.normalized = { price: price.value, quantity: quantity.value };
    return result;
  }
  result.normalized = { quantity: quantity.value };
  return result;
}

/** A market order for a total of the quote asset: at most its decimals, at least the min notional. */
function checkQuoteTotal(market: Market, raw: string): OrderCheck {
  if (raw.trim() === '') return { total: { key: 'required' } };
  const value = normalizeDecimalInput(raw);
  const parsed = value === null ? null : parseDec(value);
  if (value === null || parsed === null) return { total: { key: 'format' } };
  if (isZeroDec(parsed)) return { total: { key: 'positive' } };
  if (
    parsed.scale > market.quotePrecision &&
    /[1-9]/.test(value.slice(value.length - (parsed.scale - market.quotePrecision)))
  ) {
    return { total: { key: 'precision', values: { decimals: String(market.quotePrecision) } } };
  }
  if (compareDec(parsed, decOf(market.minNotional)) < 0) {
    return { order: { key: 'minNotional', values: { min: market.minNotional, quote: market.quote } } };
  }
  // Zeros past the quote asset's decimals are dropped: the API takes at most that many.
  const cut = parsed.scale > market.quotePrecision ? parsed.scale - market.quotePrecision : 0;
  const trimmed = cut === 0 ? value : value.slice(0, -cut).replace(/\.$/, '');
  return { normalized: { quoteOrderQty: trimmed } };
}
