import { defineErrorCodes } from '@tradeloom/kernel';

/** The spot module's error codes and their HTTP statuses. */
export const SPOT_ERRORS = defineErrorCodes({
  SPOT_MARKET_NOT_FOUND: 404,
  SPOT_MARKET_EXISTS: 409,
  /** Tick, lot or a filter that does not fit the assets' precisions or the engine's integer grid. */
  SPOT_MARKET_GRID_INVALID: 400,
  SPOT_ASSET_NOT_FOUND: 404,
  /** A price or quantity not on the market's tick or lot grid, or outside the engine's range. */
  SPOT_PRICE_INVALID: 400,
  SPOT_QUANTITY_INVALID: 400,
  SPOT_ORDER_PARAMS_INVALID: 400,
  /** The engine refused the order; `details.engineCode` says why (filters, balance, market status). */
  SPOT_ORDER_REJECTED: 409,
  SPOT_ORDER_NOT_FOUND: 404,
  SPOT_INTERVAL_INVALID: 400,
});

export type SpotErrorCode = keyof typeof SPOT_ERRORS;
