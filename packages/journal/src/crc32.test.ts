// Proves the in-buffer CRC-32 (slicing-by-8) equals zlib's at every length, offset and starting value.
import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32Range } from './crc32.js';

describe('crc32Range', () => {
  it('matches zlib.crc32 on any range of any buffer, continuing from any crc', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 0xffffffff }),
        (bytes, a, b, seed) => {
          const start = bytes.length === 0 ? 0 : a % (bytes.length + 1);
          const end = start + (b % (bytes.length - start + 1));
          expect(crc32Range(bytes, start, end, seed)).toBe(zlib.crc32(bytes.subarray(start, end), seed));
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
