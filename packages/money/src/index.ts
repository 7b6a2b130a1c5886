export { compare, isZero } from './compare.js';
export { type FormatAmountOptions, formatAmount } from './format-amount.js';
export { MoneyError, type MoneyErrorCode } from './money-error.js';
export {
  AMOUNT_TEXT_LENGTH_MAX,
  AMOUNT_UNITS_MAX,
  type ParseAmountOptions,
  parseAmount,
} from './parse-amount.js';
export {
  divRound,
  mulDiv,
  type RescaleResult,
  type RoundingMode,
  rescale,
  rescaleWithRemainder,
} from './rounding.js';
export { fromSafeInteger, toSafeInteger } from './safe-integer.js';
export { assertScale, SCALE_MAX } from './scale.js';
export { fromSteps, toSteps } from './steps.js';
