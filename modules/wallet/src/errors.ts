import { defineErrorCodes } from '@tradeloom/kernel';

/** The wallet module's error codes and their HTTP statuses. */
export const WALLET_ERRORS = defineErrorCodes({
  WALLET_ASSET_NOT_FOUND: 404,
  WALLET_ASSET_EXISTS: 409,
  WALLET_ASSET_DISABLED: 409,
  WALLET_NETWORK_NOT_FOUND: 404,
  WALLET_NETWORK_EXISTS: 409,
  /** The network's asset is not the asset of the request (paying one asset out of another's balance). */
  WALLET_NETWORK_ASSET_MISMATCH: 400,
  WALLET_DEPOSITS_DISABLED: 409,
  WALLET_WITHDRAWALS_DISABLED: 409,
  /** An amount string that is not a positive decimal within the asset's precision and range. */
  WALLET_AMOUNT_INVALID: 400,
  WALLET_AMOUNT_BELOW_MIN: 400,
  WALLET_AMOUNT_ABOVE_MAX: 400,
  WALLET_LIMIT_EXCEEDED: 409,
  WALLET_INSUFFICIENT_BALANCE: 409,
  WALLET_WALLET_TYPE_INVALID: 400,
  WALLET_SAME_WALLET: 400,
  WALLET_RECIPIENT_NOT_FOUND: 404,
  WALLET_RECIPIENT_SELF: 400,
  WALLET_ADDRESS_INVALID: 400,
  WALLET_MEMO_REQUIRED: 400,
  WALLET_ADDRESS_NOT_ALLOWED: 403,
  /** A new allow-list address is usable only after its waiting period. */
  WALLET_ADDRESS_PENDING: 409,
  WALLET_ADDRESS_NOT_FOUND: 404,
  WALLET_ADDRESS_EXISTS: 409,
  /** Withdrawals are locked for a while after a security change (password, 2FA, email). */
  WALLET_WITHDRAWALS_LOCKED: 403,
  WALLET_TWO_FACTOR_REQUIRED: 403,
  WALLET_DEPOSIT_NOT_FOUND: 404,
  WALLET_DEPOSIT_STATE: 409,
  WALLET_DEPOSIT_METHOD_NOT_FOUND: 404,
  WALLET_DEPOSIT_METHOD_EXISTS: 409,
  WALLET_DEPOSIT_FIELDS_INVALID: 400,
  WALLET_WITHDRAWAL_NOT_FOUND: 404,
  WALLET_WITHDRAWAL_STATE: 409,
  /** The second approval of a large withdrawal must come from another admin. */
  WALLET_FOUR_EYES: 403,
  WALLET_TRANSFER_NOT_FOUND: 404,
  WALLET_GATEWAY_NOT_FOUND: 404,
  /** A webhook whose signature, timestamp or payload does not check out. */
  WALLET_WEBHOOK_INVALID: 400,
  /** The engine refused the command; `details.engineCode` says why. */
  WALLET_ENGINE_REJECTED: 409,
  WALLET_EXPORT_TOO_LARGE: 413,
  // withdrawals
  /** A finance admin may not approve a withdrawal they requested themselves. */
  WALLET_WITHDRAWAL_SELF_APPROVAL: 403,
  // deposits
  /** A deposit method that deposits refer to cannot be deleted (disable it instead). */
  WALLET_DEPOSIT_METHOD_IN_USE: 409,
  /** The payment gateway did not start the payment. */
  WALLET_GATEWAY_UNAVAILABLE: 502,
  /** No deposit address can be made on this network (no generator configured). */
  WALLET_DEPOSIT_ADDRESS_UNAVAILABLE: 409,
  // transfers, history, jobs
  /** Transfers to other users are paused after a security change, like withdrawals. */
  WALLET_TRANSFERS_LOCKED: 403,
  /** A clientTransferId already names a transfer with other parameters. */
  WALLET_TRANSFER_ID_REUSED: 409,
  /** A pagination cursor this list did not hand out. */
  WALLET_CURSOR_INVALID: 400,
  WALLET_ALERT_NOT_FOUND: 404,
  WALLET_USER_NOT_FOUND: 404,
});

/** One of the module's error codes. */
export type WalletErrorCode = keyof typeof WALLET_ERRORS;
