// The engine's wire protocol over a local socket: length-prefixed frames, each tagged with a
// request id so a client can pipeline many requests and match answers as they come back.
//   frame = u32 LE length of the rest | u8 kind | u32 LE request id | payload
// Requests: COMMAND (payload: encodeCommand bytes), QUERY (payload: JSON Query).
// Answers:  RESULT (JSON CommandResult, sent once durable), QUERY_RESULT (JSON), ERROR (JSON { message }).

export const FrameKind = {
  COMMAND: 1,
  QUERY: 2,
  RESULT: 11,
  QUERY_RESULT: 12,
  ERROR: 13,
} as const;

export const FRAME_HEADER_BYTES = 9;
/** Frames above this size are refused: no command comes near it, a corrupt length would. */
export const FRAME_BYTES_MAX = 16 * 1024 * 1024;

export type Query =
  | { query: 'status' }
  | { query: 'book'; marketId: number; depth?: number }
  | { query: 'balances'; user: number }
  | { query: 'stateHash' }
  /** Every non-empty account at one command seq (reconciliation). */
  | { query: 'ledger' };

export interface Frame {
  kind: number;
  requestId: number;
  payload: Buffer;
}

/** Build one frame. */
export function frame(kind: number, requestId: number, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  // The length prefix counts what follows it: kind (1) + request id (4) + payload.
  out.writeUInt32LE(payload.length + 5, 0);
  out[4] = kind;
  out.writeUInt32LE(requestId, 5);
  out.set(payload, 9);
  return out;
}

/** Incremental frame parser for a byte stream. */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);

  /** Feed bytes; returns the complete frames they finish. Throws on a frame over the size limit. */
  push(chunk: Buffer): Frame[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: Frame[] = [];
    let at = 0;
    while (this.buffer.length - at >= 4) {
      const length = this.buffer.readUInt32LE(at);
      if (length < 5 || length > FRAME_BYTES_MAX) throw new Error(`bad frame length ${length}`);
      if (this.buffer.length - at - 4 < length) break;
      frames.push({
        kind: this.buffer[at + 4]!,
        requestId: this.buffer.readUInt32LE(at + 5),
        payload: this.buffer.subarray(at + 9, at + 4 + length),
      });
      at += 4 + length;
    }
    this.buffer = this.buffer.subarray(at);
    return frames;
  }
}
