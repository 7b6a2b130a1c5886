export { mulDivCeil, mulDivFloor } from './arith.js';
export { assert, InvariantError } from './assert.js';
export {
  binaryCommandBytes,
  decodeCommand,
  encodeCommand,
  isBinaryEncoded,
  writeBinaryCommand,
} from './codec/command-codec.js';
export type { RejectCode } from './codes.js';
export { RejectCodes } from './codes.js';
export * from './commands.js';
export { acceptedResult, Engine, FEES_ACCOUNT, Outcome } from './engine.js';
export {
  CLOSED_REASON,
  EV_BALANCE,
  EV_BOOK_LEVEL,
  EV_OBJECT,
  EV_ORDER_ACCEPTED,
  EV_ORDER_CLOSED,
  EV_ORDER_HOLD_REDUCED,
  EV_ORDER_TRIGGERED,
  EV_TRADE,
  EventBuffer,
  TRADE_PRICE,
  TRADE_QTY,
} from './event-buffer.js';
export type * from './events.js';
export { FEE_PPM_MAX, feeOf, PPM } from './fees.js';
export { checkInvariants } from './state/invariants.js';
export type { EngineState } from './state/snapshot.js';
export { captureState, encodeSnapshot, restoreSnapshot, stateHash } from './state/snapshot.js';
