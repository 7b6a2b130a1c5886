// What a file is, read from its bytes (magic numbers), never from its name: PNG, JPEG and PDF are the
// kinds identity documents come in. Images are parsed far enough to know their size and that they
// decode (PNG: every chunk's CRC and the inflated image data; JPEG: the markers up to the end), so a
// truncated or damaged picture is refused at upload, not discovered by a reviewer.
import { inflateSync } from 'node:zlib';

/** The kinds of file uploads may be. */
export const FILE_KINDS = ['image/png', 'image/jpeg', 'application/pdf'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

/** What an accepted file is. */
export interface InspectedFile {
  mediaType: FileKind;
  /** Pixels; null for PDF. */
  width: number | null;
  height: number | null;
}

/** Why a file was refused. */
export type InspectFailure =
  | { reason: 'unsupported' }
  | { reason: 'corrupt'; detail: string }
  | { reason: 'mismatch'; declared: FileKind; actual: FileKind };

const EXTENSIONS: Readonly<Record<string, FileKind>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  pdf: 'application/pdf',
};

/** The file name's extension for a kind (for downloads). */
export function extensionOf(kind: FileKind): string {
  return kind === 'image/png' ? 'png' : kind === 'image/jpeg' ? 'jpg' : 'pdf';
}

/** The kind a file name claims by its extension; null when it claims none we know. */
export function declaredKindOf(fileName: string): FileKind | null {
  const at = fileName.lastIndexOf('.');
  if (at < 0) return null;
  return EXTENSIONS[fileName.slice(at + 1).toLowerCase()] ?? null;
}

/** The kind the bytes are, by their magic number; null for anything else. */
export function sniffKind(bytes: Buffer): FileKind | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 5 && bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  return null;
}

/**
 * Checks a file's content: its kind by magic number, that the name's extension (when it has a known
 * one) says the same, and that the content parses. Answers the kind and image size, or why not.
 */
export function inspectFile(bytes: Buffer, fileName: string): InspectedFile | InspectFailure {
  const actual = sniffKind(bytes);
  if (actual === null) return { reason: 'unsupported' };
  const declared = declaredKindOf(fileName);
  if (declared !== null && declared !== actual) return { reason: 'mismatch', declared, actual };
  try {
    if (actual === 'image/png') return { mediaType: actual, ...pngSize(bytes) };
    if (actual === 'image/jpeg') return { mediaType: actual, ...jpegSize(bytes) };
    checkPdf(bytes);
    return { mediaType: actual, width: null, height: null };
  } catch (error) {
    return { reason: 'corrupt', detail: error instanceof Error ? error.message : String(error) };
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_DIMENSION_MAX = 20_000;
const PNG_RAW_BYTES_MAX = 256 * 1024 * 1024;
/** Bits per pixel of each PNG colour type, per bit of depth (samples per pixel). */
const PNG_SAMPLES: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function pngSize(bytes: Buffer): { width: number; height: number } {
  let at = 8;
  let header: { width: number; height: number; rowBytes: number; interlaced: boolean } | null = null;
  const data: Buffer[] = [];
  let ended = false;
  while (at < bytes.length) {
    if (at + 12 > bytes.length) throw new Error('PNG chunk header cut off');
    const length = bytes.readUInt32BE(at);
    const type = bytes.subarray(at + 4, at + 8).toString('latin1');
    if (at + 12 + length > bytes.length) throw new Error(`PNG chunk ${type} cut off`);
    const body = bytes.subarray(at + 8, at + 8 + length);
    const crc = bytes.readUInt32BE(at + 8 + length);
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== crc) throw new Error(`PNG chunk ${type}: bad CRC`);
    if (header === null && type !== 'IHDR') throw new Error('PNG without IHDR first');
    if (type === 'IHDR') {
      if (length !== 13) throw new Error('PNG IHDR of a wrong length');
      const width = body.readUInt32BE(0);
      const height = body.readUInt32BE(4);
      const depth = body[8] ?? 0;
      const samples = PNG_SAMPLES[body[9] ?? -1];
      if (width < 1 || height < 1 || width > PNG_DIMENSION_MAX || height > PNG_DIMENSION_MAX)
        throw new Error('PNG dimensions out of range');
      if (samples === undefined || ![1, 2, 4, 8, 16].includes(depth)) throw new Error('PNG format unknown');
      header = {
        width,
        height,
        rowBytes: Math.ceil((width * samples * depth) / 8),
        interlaced: body[12] === 1,
      };
    } else if (type === 'IDAT') {
      data.push(body);
    } else if (type === 'IEND') {
      ended = true;
      break;
    }
    at += 12 + length;
  }
  if (header === null || !ended) throw new Error('PNG without IEND');
  if (data.length === 0) throw new Error('PNG without image data');
  // An interlaced image's passes are near the full rows' size; its exact size is not worth computing.
  const expected = header.height * (header.rowBytes + 1);
  if (expected > PNG_RAW_BYTES_MAX) throw new Error('PNG too large to decode');
  let raw: Buffer;
  try {
    // Bounded by what the header promises, so a small file cannot inflate into gigabytes.
    raw = inflateSync(Buffer.concat(data), { maxOutputLength: header.interlaced ? expected * 2 : expected });
  } catch {
    throw new Error('PNG image data does not inflate');
  }
  if (header.interlaced ? raw.length < header.height : raw.length !== expected)
    throw new Error('PNG image data of a wrong size');
  return { width: header.width, height: header.height };
}

/** Start-of-frame markers (baseline, extended, progressive, lossless; not DHT/JPG/DAC). */
const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function jpegSize(bytes: Buffer): { width: number; height: number } {
  let at = 2;
  let size: { width: number; height: number } | null = null;
  let scanned = false;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) throw new Error('JPEG marker expected');
    const marker = bytes[at + 1] ?? 0;
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    const length = bytes.readUInt16BE(at + 2);
    if (length < 2 || at + 2 + length > bytes.length) throw new Error('JPEG segment cut off');
    if (JPEG_SOF.has(marker)) {
      if (length < 7) throw new Error('JPEG frame header too short');
      size = { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
    }
    if (marker === 0xda) {
      scanned = true;
      break;
    }
    at += 2 + length;
  }
  if (size === null || size.width < 1 || size.height < 1) throw new Error('JPEG without a frame size');
  if (!scanned) throw new Error('JPEG without image data');
  // The entropy-coded data runs to the end-of-image marker; a cut-off file lacks it.
  if (bytes.length < 2 || bytes[bytes.length - 2] !== 0xff || bytes[bytes.length - 1] !== 0xd9)
    throw new Error('JPEG cut off (no end-of-image marker)');
  return size;
}

function checkPdf(bytes: Buffer): void {
  // Incremental updates append after %%EOF only with another %%EOF, so the last one sits at the end.
  const tail = bytes.subarray(Math.max(0, bytes.length - 1024)).toString('latin1');
  if (!tail.includes('%%EOF')) throw new Error('PDF cut off (no %%EOF)');
}

let crcTable: Uint32Array | null = null;

/** CRC-32 (ISO-HDLC), as PNG chunks carry it. */
export function crc32(bytes: Uint8Array): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (crcTable[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
