// File checks by content: kinds by magic number, names that lie, damaged and truncated images.
import { describe, expect, it } from 'vitest';
import { pdfDocument, pngImage } from '../testing.js';
import { inspectFile } from './inspect-file.js';

describe('inspectFile', () => {
  it('reads a PNG’s size and a PDF', () => {
    expect(inspectFile(pngImage(320, 240), 'front.png')).toEqual({
      mediaType: 'image/png',
      width: 320,
      height: 240,
    });
    expect(inspectFile(pdfDocument(), 'bill.pdf')).toEqual({
      mediaType: 'application/pdf',
      width: null,
      height: null,
    });
  });

  it('refuses a name that says another kind, and content of no known kind', () => {
    expect(inspectFile(pngImage(10, 10), 'scan.pdf')).toEqual({
      reason: 'mismatch',
      declared: 'application/pdf',
      actual: 'image/png',
    });
    expect(inspectFile(Buffer.from('MZ\x90\x00 not a document'), 'front.png')).toEqual({
      reason: 'unsupported',
    });
  });

  it('refuses a truncated PNG and one whose data is damaged', () => {
    const png = pngImage(64, 64);
    expect(inspectFile(png.subarray(0, png.length - 20), 'a.png')).toMatchObject({ reason: 'corrupt' });
    const damaged = Buffer.from(png);
    damaged[40] = (damaged[40] ?? 0) ^ 0xff;
    expect(inspectFile(damaged, 'a.png')).toMatchObject({ reason: 'corrupt' });
  });

  it('refuses a JPEG without its end marker', () => {
    const jpeg = Buffer.from([
      0xff, 0xd8, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x01, 0x00, 0x01, 0x00, 0x01, 0x01, 0x11, 0x00, 0xff, 0xda,
      0x00, 0x02, 0x12,
    ]);
    expect(inspectFile(jpeg, 'a.jpg')).toMatchObject({ reason: 'corrupt' });
    expect(inspectFile(Buffer.concat([jpeg, Buffer.from([0xff, 0xd9])]), 'a.jpg')).toEqual({
      mediaType: 'image/jpeg',
      width: 256,
      height: 256,
    });
  });
});
