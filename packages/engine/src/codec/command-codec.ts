// Journal encoding of commands. The two hot commands (placeOrder, cancelOrder) have a fixed binary
// layout; everything else is JSON. A command is encoded in binary only when that is lossless, so
// that replaying decoded bytes always reproduces what the live engine executed.
import type { CancelOrder, Command, PlaceOrder } from '../commands.js';
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

function writeId(buf: Buffer, at: number, id: string | undefined): number {
  if (id === undefined) {
    buf[at] = 0xff;
    return at + 1;
  }
  buf[at] = id.length;
  buf.write(id, at + 1, 'latin1');
  return at + 1 + id.length;
}

function readId(buf: Uint8Array, at: number): [string | undefined, number] {
  const len = buf[at]!;
  if (len === 0xff) return [undefined, at + 1];
  return [Buffer.from(buf.buffer, buf.byteOffset + at + 1, len).toString('latin1'), at + 1 + len];
}

/**
 * Encode a command into `out` at offset 0 when it fits the binary layout; returns the byte length,
 * or encodes JSON into a fresh buffer and returns it.
 */
export function encodeCommand(cmd: Command, out?: Buffer): Buffer {
  const buf = out ?? Buffer.allocUnsafe(COMMAND_BINARY_MAX);
  if (cmd.type === 'placeOrder' && binaryPlace(cmd)) {
    buf[0] = TAG_PLACE;
    buf.writeDoubleLE(cmd.ts, 1);
    buf.writeUInt32LE(cmd.marketId, 9);
    buf.writeDoubleLE(cmd.user, 13);
    buf[21] = SIDES.indexOf(cmd.side);
    buf[22] = ORDER_TYPES.indexOf(cmd.orderType);
    buf[23] = cmd.timeInForce === undefined ? 0xff : TIMES_IN_FORCE.indexOf(cmd.timeInForce);
    buf[24] = cmd.stp === undefined ? 0xff : STP_MODES.indexOf(cmd.stp);
    let present = 0;
    const nums = [cmd.price, cmd.qty, cmd.quoteQty, cmd.stopPrice, cmd.trailingDeltaBps];
    for (let i = 0; i < 5; i++) {
      const v = nums[i];
      if (v !== undefined) present |= 1 << i;
      buf.writeDoubleLE(v ?? 0, 26 + i * 8);
    }
    buf[25] = present;
    const end = writeId(buf, 66, cmd.clientOrderId);
    return buf.subarray(0, end);
  }
  if (cmd.type === 'cancelOrder' && binaryCancel(cmd)) {
    buf[0] = TAG_CANCEL;
    buf.writeDoubleLE(cmd.ts, 1);
    buf.writeUInt32LE(cmd.marketId, 9);
    buf.writeDoubleLE(cmd.user, 13);
    buf[21] = cmd.orderId === undefined ? 0 : 1;
    buf.writeDoubleLE(cmd.orderId ?? 0, 22);
    const end = writeId(buf, 30, cmd.clientOrderId);
    return buf.subarray(0, end);
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
