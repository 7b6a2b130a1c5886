import zlib from 'node:zlib';

/** CRC-32 (IEEE) of `bytes[start, end)` continuing from `crc`. */
export type Crc32Range = (bytes: Uint8Array, start: number, end: number, crc?: number) => number;

/**
 * Builds the slicing-by-8 tables and returns the table-driven CRC over them. Self-contained (it refers
 * to nothing outside its body) because the journal's writer thread is started from its source text.
 */
export function makeCrc32Range(): Crc32Range {
  // TABLES[k * 256 + n] is the CRC of byte n followed by k zero bytes, so eight bytes are folded in per
  // step with eight lookups instead of eight dependent table steps.
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) {
      const prev = t[(k - 1) * 256 + n]!;
      t[k * 256 + n] = (prev >>> 8) ^ t[prev & 0xff]!;
    }
  }
  return (bytes: Uint8Array, start: number, end: number, crc = 0): number => {
    let c = ~crc;
    let i = start;
    for (; i + 8 <= end; i += 8) {
      const one = c ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
      c =
        t[1792 + (one & 0xff)]! ^
        t[1536 + ((one >>> 8) & 0xff)]! ^
        t[1280 + ((one >>> 16) & 0xff)]! ^
        t[1024 + (one >>> 24)]! ^
        t[768 + bytes[i + 4]!]! ^
        t[512 + bytes[i + 5]!]! ^
        t[256 + bytes[i + 6]!]! ^
        t[bytes[i + 7]!]!;
    }
    for (; i < end; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
    return ~c >>> 0;
  };
}

/** CRC-32 (IEEE) of a range inside a buffer without allocating a view (slicing-by-8 table lookups). */
export const crc32Range: Crc32Range = makeCrc32Range();

// zlib.crc32 exists since Node 20.15; older runtimes fall back to the table loop.
const nativeCrc32: ((data: Uint8Array, value?: number) => number) | undefined =
  typeof zlib.crc32 === 'function' ? zlib.crc32 : undefined;

/** CRC-32 (IEEE) of all of `bytes` continuing from `crc`; native (zlib) when the runtime has it. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  if (nativeCrc32 !== undefined) return nativeCrc32(bytes, crc);
  return crc32Range(bytes, 0, bytes.length, crc);
}
