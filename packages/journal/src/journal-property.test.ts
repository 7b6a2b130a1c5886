// Proves, for random appends, flushes and crashes that damage only non-durable tail bytes, that no durable record is ever lost or altered.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Journal } from './journal.js';
import { makeTempDir, recordOffsets, removeTempDir, segmentPaths } from './test-fixtures/records.js';

type Op =
  | { kind: 'append'; payloads: Uint8Array[] }
  | { kind: 'flush' }
  | { kind: 'crash'; damage: 'none' | 'truncate' | 'flip'; at: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      payloads: fc.array(fc.uint8Array({ maxLength: 90 }), { minLength: 1, maxLength: 25 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('flush' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('crash' as const),
      damage: fc.constantFrom('none' as const, 'truncate' as const, 'flip' as const),
      at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
    }),
  },
);

// Damages only bytes of records the model never saw acknowledged, in the last segment.
function damageTail(dir: string, durable: number, damage: 'truncate' | 'flip', at: number): void {
  const file = segmentPaths(dir).at(-1)!;
  const firstSeq = Number(path.basename(file).slice(0, 20));
  const size = fs.statSync(file).size;
  const offsets = recordOffsets(file);
  const firstFree = offsets.findIndex((_, k) => firstSeq + k > durable);
  const lo = firstFree === -1 ? (offsets.at(-1)?.end ?? 8) : offsets[firstFree]!.start;
  if (size <= lo) return;
  const pos = lo + Math.floor(at * (size - lo));
  if (damage === 'truncate') {
    fs.truncateSync(file, pos);
  } else {
    const bytes = fs.readFileSync(file);
    bytes[pos]! ^= 0xa5;
    fs.writeFileSync(file, bytes);
  }
}

describe('durability property', () => {
  it('never loses or alters a durable record', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(200, 1024, 64 * 1024 * 1024),
        fc.array(opArb, { minLength: 1, maxLength: 25 }),
        async (segmentBytesMax, ops) => {
          const dir = await makeTempDir();
          try {
            const records: Uint8Array[] = [];
            let durable = 0;
            let journal = await Journal.open({ dir, segmentBytesMax });
            const reopen = async (): Promise<void> => {
              journal = await Journal.open({ dir, segmentBytesMax });
              expect(journal.lastSeq).toBeGreaterThanOrEqual(durable);
              expect(journal.lastSeq).toBeLessThanOrEqual(records.length);
              let seq = 0;
              for (const record of journal.readFrom(1)) {
                seq++;
                expect(record.seq).toBe(seq);
                expect(Buffer.from(record.payload).equals(records[seq - 1]!)).toBe(true);
              }
              expect(seq).toBe(journal.lastSeq);
              records.length = journal.lastSeq;
              durable = journal.lastSeq;
            };
            for (const op of ops) {
              if (op.kind === 'append') {
                for (const payload of op.payloads) {
                  records.push(payload);
                  expect(journal.append(payload)).toBe(records.length);
                }
              } else if (op.kind === 'flush') {
                durable = await journal.flush();
                expect(durable).toBe(records.length);
              } else {
                await journal.close();
                if (op.damage !== 'none') damageTail(dir, durable, op.damage, op.at);
                await reopen();
              }
              expect(journal.durableSeq).toBeGreaterThanOrEqual(durable);
            }
            await journal.close();
            await reopen();
            await journal.close();
          } finally {
            await removeTempDir(dir);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
