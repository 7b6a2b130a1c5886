// Journal encoding of commands. The two hot commands (placeOrder, cancelOrder) have a fixed binary
// layout; everything else is JSON. A command is encoded in binary only when that is lossless, so
// that replaying decoded bytes always reproduces what the live engine executed.
import type { CancelOrder, Command, OrderType, PlaceOrder, StpMode, TimeInForce } from '../commands.js';
import {
  isOrderType,
  isSide,
  isStpMode,
  isTimeInForce,
  ORDER_TYPES,
  SIDES,
  STP_MODES,
  TIMES_IN_FORCE,
} from '../commands.js';

const TAG_JSON = 0;
const TAG_PLACE = 1;
const TAG_CANCEL = 2;

const ASCII_ID = /^[\x20-\x7e]{0,64}$/;
/** Largest binary record: fixed part plus a 64-character client id. */
export const COMMAND_BINARY_MAX = 128;

const isNum = (v: unknown): v is number => typeof v === 'number';
const optNum = (v: unknown) => v === undefined || typeof v === 'number';
const optId = (v: unknown) => v === undefined || (typeof v === 'string' && ASCII_ID.test(v));

// Fields the engine does not read are not carried: dropping them cannot change what replay executes.
function binaryPlace(c: PlaceOrder): boolean {
  return (
    isNum(c.ts) &&
    isNum(c.marketId) &&
    Number.isInteger(c.marketId) &&
    c.marketId >= 0 &&
    c.marketId < 2 ** 32 &&
    isNum(c.user) &&
    isSide(c.side) &&
    isOrderType(c.orderType) &&
    (c.timeInForce === undefined || isTimeInForce(c.timeInForce)) &&
    (c.stp === undefined || isStpMode(c.stp)) &&
    optNum(c.price) &&
    optNum(c.qty) &&
    optNum(c.quoteQty) &&
    optNum(c.stopPrice) &&
    optNum(c.trailingDeltaBps) &&
    optId(c.clientOrderId)
  );
}

function binaryCancel(c: CancelOrder): boolean {
  return (
    isNum(c.ts) &&
    isNum(c.marketId) &&
    Number.isInteger(c.marketId) &&
    c.marketId >= 0 &&
    c.marketId < 2 ** 32 &&
    isNum(c.user) &&
    optNum(c.orderId) &&
    optId(c.clientOrderId)
  );
}

function readId(buf: Uint8Array, at: number): [string | undefined, number] {
  const len = buf[at]!;
  if (len === 0xff) return [undefined, at + 1];
  return [Buffer.from(buf.buffer, buf.byteOffset + at + 1, len).toString('latin1'), at + 1 + len];
}

const PLACE_FIXED_BYTES = 66;
const CANCEL_FIXED_BYTES = 30;

/**
 * Bytes of the command's binary encoding, or -1 when it has none (it is then journaled as JSON):
 * the check `writeBinaryCommand` relies on. Allocates nothing.
 */
export function binaryCommandBytes(cmd: Command): number {
  // One read of `type`: this site sees every command shape (a megamorphic load each time).
  const type = cmd.type;
  if (type === 'placeOrder') {
    const place = cmd as PlaceOrder;
    if (!binaryPlace(place)) return -1;
    return PLACE_FIXED_BYTES + (place.clientOrderId === undefined ? 1 : 1 + place.clientOrderId.length);
  }
  if (type === 'cancelOrder') {
    const cancel = cmd as CancelOrder;
    if (!binaryCancel(cancel)) return -1;
    return CANCEL_FIXED_BYTES + (cancel.clientOrderId === undefined ? 1 : 1 + cancel.clientOrderId.length);
  }
  return -1;
}

/**
 * Write the binary encoding of a command for which `binaryCommandBytes` gave a length, at `at` in
 * `view` (in place, e.g. straight into the journal's write buffer).
 */
export function writeBinaryCommand(cmd: Command, view: DataView, at: number): void {
  if (cmd.type === 'placeOrder') {
    view.setUint8(at, TAG_PLACE);
    view.setFloat64(at + 1, cmd.ts, true);
    view.setUint32(at + 9, cmd.marketId, true);
    view.setFloat64(at + 13, cmd.user, true);
    view.setUint8(at + 21, cmd.side === 'BUY' ? 0 : 1);
    view.setUint8(at + 22, orderTypeIndex(cmd.orderType));
    view.setUint8(at + 23, cmd.timeInForce === undefined ? 0xff : tifIndex(cmd.timeInForce));
    view.setUint8(at + 24, cmd.stp === undefined ? 0xff : stpIndex(cmd.stp));
    let present = 0;
    present |= writeOptional(view, at + 26, cmd.price, 1);
    present |= writeOptional(view, at + 34, cmd.qty, 2);
    present |= writeOptional(view, at + 42, cmd.quoteQty, 4);
    present |= writeOptional(view, at + 50, cmd.stopPrice, 8);
    present |= writeOptional(view, at + 58, cmd.trailingDeltaBps, 16);
    view.setUint8(at + 25, present);
    writeId(view, at + 66, cmd.clientOrderId);
    return;
  }
  if (cmd.type === 'cancelOrder') {
    view.setUint8(at, TAG_CANCEL);
    view.setFloat64(at + 1, cmd.ts, true);
    view.setUint32(at + 9, cmd.marketId, true);
    view.setFloat64(at + 13, cmd.user, true);
    view.setUint8(at + 21, cmd.orderId === undefined ? 0 : 1);
    view.setFloat64(at + 22, cmd.orderId ?? 0, true);
    writeId(view, at + 30, cmd.clientOrderId);
    return;
  }
  throw new RangeError(`${cmd.type} has no binary encoding`);
}

function writeOptional(view: DataView, at: number, value: number | undefined, bit: number): number {
  view.setFloat64(at, value ?? 0, true);
  return value === undefined ? 0 : bit;
}

function writeId(view: DataView, at: number, id: string | undefined): void {
  if (id === undefined) {
    view.setUint8(at, 0xff);
    return;
  }
  view.setUint8(at, id.length);
  // binaryPlace/binaryCancel admitted printable ASCII only: one byte per character.
  for (let i = 0; i < id.length; i++) view.setUint8(at + 1 + i, id.charCodeAt(i));
}

// Indexes into the lists of commands.ts (their order is the encoding), without a search per command.
function orderTypeIndex(type: OrderType): number {
  switch (type) {
    case 'LIMIT':
      return 0;
    case 'LIMIT_MAKER':
      return 1;
    case 'MARKET':
      return 2;
    case 'STOP_LOSS':
      return 3;
    case 'STOP_LOSS_LIMIT':
      return 4;
    case 'TAKE_PROFIT':
      return 5;
    case 'TAKE_PROFIT_LIMIT':
      return 6;
  }
}

function tifIndex(tif: TimeInForce): number {
  return tif === 'GTC' ? 0 : tif === 'IOC' ? 1 : 2;
}

function stpIndex(stp: StpMode): number {
  return stp === 'NONE' ? 0 : stp === 'EXPIRE_TAKER' ? 1 : stp === 'EXPIRE_MAKER' ? 2 : 3;
}

/**
 * Encode a command into `out` at offset 0 when it fits the binary layout and return that slice of
 * `out`; otherwise encode JSON into a fresh buffer and return it.
 */
export function encodeCommand(cmd: Command, out?: Buffer): Buffer {
  const binary = binaryCommandBytes(cmd);
  if (binary >= 0) {
    const buf = out ?? Buffer.allocUnsafe(COMMAND_BINARY_MAX);
    writeBinaryCommand(cmd, new DataView(buf.buffer, buf.byteOffset, buf.byteLength), 0);
    return buf.subarray(0, binary);
  }
  const json = Buffer.from(JSON.stringify(cmd), 'utf8');
  const framed = Buffer.allocUnsafe(json.length + 1);
  framed[0] = TAG_JSON;
  json.copy(framed, 1);
  return framed;
}

/** Decode a command written by encodeCommand. */
export function decodeCommand(bytes: Uint8Array): Command {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = buf[0];
  if (tag === TAG_PLACE) {
    const cmd: PlaceOrder = {
      type: 'placeOrder',
      ts: buf.readDoubleLE(1),
      marketId: buf.readUInt32LE(9),
      user: buf.readDoubleLE(13),
      side: SIDES[buf[21]!]!,
      orderType: ORDER_TYPES[buf[22]!]!,
    };
    if (buf[23] !== 0xff) cmd.timeInForce = TIMES_IN_FORCE[buf[23]!]!;
    if (buf[24] !== 0xff) cmd.stp = STP_MODES[buf[24]!]!;
    const present = buf[25]!;
    if (present & 1) cmd.price = buf.readDoubleLE(26);
    if (present & 2) cmd.qty = buf.readDoubleLE(34);
    if (present & 4) cmd.quoteQty = buf.readDoubleLE(42);
    if (present & 8) cmd.stopPrice = buf.readDoubleLE(50);
    if (present & 16) cmd.trailingDeltaBps = buf.readDoubleLE(58);
    const [id] = readId(buf, 66);
    if (id !== undefined) cmd.clientOrderId = id;
    return cmd;
  }
  if (tag === TAG_CANCEL) {
    const cmd: CancelOrder = {
      type: 'cancelOrder',
      ts: buf.readDoubleLE(1),
      marketId: buf.readUInt32LE(9),
      user: buf.readDoubleLE(13),
    };
    if (buf[21] === 1) cmd.orderId = buf.readDoubleLE(22);
    const [id] = readId(buf, 30);
    if (id !== undefined) cmd.clientOrderId = id;
    return cmd;
  }
  if (tag === TAG_JSON) return JSON.parse(buf.subarray(1).toString('utf8')) as Command;
  throw new Error(`unknown command tag ${String(tag)}`);
}

/** True when `bytes` (from encodeCommand) use a binary layout, i.e. decoding them gives back the command. */
export function isBinaryEncoded(bytes: Uint8Array): boolean {
  return bytes[0] !== TAG_JSON;
}
