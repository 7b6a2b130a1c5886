// Uploads arrive as JSON: a file name and the content in base64. The API has no multipart parser
// (docs/kyc.md says why), and JSON keeps one validation path for every field of a form. Each file is
// decoded and checked in full before anything is stored, so a bad file refuses the whole request.
import { createHash } from 'node:crypto';
import { DomainError, defineErrorCodes } from '@tradeloom/kernel';
import { z } from 'zod';
import { extensionOf, type FileKind, inspectFile } from './inspect-file.js';

/** Error codes of uploads (shared by every module that takes files through this toolkit). */
export const UPLOAD_ERRORS = defineErrorCodes({
  /** The content is not valid base64. */
  UPLOAD_ENCODING_INVALID: 400,
  /** Larger than the field's (or the platform's) limit. */
  UPLOAD_TOO_LARGE: 413,
  /** The content is none of the kinds accepted (PNG, JPEG, PDF), whatever the name says. */
  UPLOAD_TYPE_UNSUPPORTED: 415,
  /** The name's extension says one kind, the content is another (a PNG named .pdf). */
  UPLOAD_TYPE_MISMATCH: 400,
  /** A kind this field does not take (a PDF as a selfie). */
  UPLOAD_TYPE_NOT_ALLOWED: 400,
  /** The content claims a kind but does not parse as one (cut off, damaged). */
  UPLOAD_CORRUPT: 400,
  /** An image smaller than the field's minimum width or height. */
  UPLOAD_IMAGE_TOO_SMALL: 400,
  UPLOAD_EMPTY: 400,
});

/** The largest file any field may accept (fields may set less). */
export const UPLOAD_BYTES_MAX = 5 * 1024 * 1024;

/** One file in a request body. */
export const uploadSchema = z.object({
  fileName: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[^/\\\0]+$/, 'a file name without path separators'),
  contentBase64: z
    .string()
    .describe(`The file's bytes in base64 (at most ${UPLOAD_BYTES_MAX} bytes decoded)`),
});
export type Upload = z.infer<typeof uploadSchema>;

/** What a field accepts. */
export interface UploadRules {
  accept: readonly FileKind[];
  maxBytes: number;
  /** Images only. */
  minWidth?: number;
  minHeight?: number;
}

/** A file that passed every check, ready to store. */
export interface CheckedFile {
  fileName: string;
  bytes: Buffer;
  mediaType: FileKind;
  sizeBytes: number;
  width: number | null;
  height: number | null;
  sha256: string;
  /** `<sha-prefix>.<ext>`-style name safe to use in Content-Disposition. */
  safeName: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const KIND_LABEL: Readonly<Record<FileKind, string>> = {
  'image/png': 'a PNG image',
  'image/jpeg': 'a JPEG image',
  'application/pdf': 'a PDF document',
};

/** Decodes and checks one upload; throws UPLOAD_* (with `details.field`) when it does not pass. */
export function checkUpload(upload: Upload, rules: UploadRules, field: string): CheckedFile {
  const fail = (code: keyof typeof UPLOAD_ERRORS, message: string, extra: object = {}) =>
    new DomainError(code, `${field}: ${message}`, { field, ...extra });
  const text = upload.contentBase64.replace(/\s+/g, '');
  if (!BASE64.test(text) || text.length % 4 === 1) throw fail('UPLOAD_ENCODING_INVALID', 'not valid base64');
  const maxBytes = Math.min(rules.maxBytes, UPLOAD_BYTES_MAX);
  // Checked on the encoded length first, so an oversized upload is never decoded.
  if (Math.floor((text.length * 3) / 4) - 2 > maxBytes)
    throw fail('UPLOAD_TOO_LARGE', `larger than ${maxBytes} bytes`, { maxBytes });
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length === 0) throw fail('UPLOAD_EMPTY', 'the file is empty');
  if (bytes.length > maxBytes) throw fail('UPLOAD_TOO_LARGE', `larger than ${maxBytes} bytes`, { maxBytes });
  const inspected = inspectFile(bytes, upload.fileName);
  if ('reason' in inspected) {
    if (inspected.reason === 'unsupported')
      throw fail('UPLOAD_TYPE_UNSUPPORTED', 'the content is not a PNG, JPEG or PDF file');
    if (inspected.reason === 'mismatch')
      throw fail(
        'UPLOAD_TYPE_MISMATCH',
        `the name says ${KIND_LABEL[inspected.declared]} but the content is ${KIND_LABEL[inspected.actual]}`,
        { declared: inspected.declared, actual: inspected.actual },
      );
    throw fail('UPLOAD_CORRUPT', `the file is damaged or incomplete (${inspected.detail})`);
  }
  if (!rules.accept.includes(inspected.mediaType))
    throw fail('UPLOAD_TYPE_NOT_ALLOWED', `${KIND_LABEL[inspected.mediaType]} is not accepted here`, {
      accept: rules.accept,
    });
  const { width, height } = inspected;
  if (
    width !== null &&
    height !== null &&
    (width < (rules.minWidth ?? 0) || height < (rules.minHeight ?? 0))
  ) {
    throw fail(
      'UPLOAD_IMAGE_TOO_SMALL',
      `the image is ${width}×${height}; at least ${rules.minWidth ?? 0}×${rules.minHeight ?? 0} is needed`,
      { width, height, minWidth: rules.minWidth ?? 0, minHeight: rules.minHeight ?? 0 },
    );
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return {
    fileName: upload.fileName,
    bytes,
    mediaType: inspected.mediaType,
    sizeBytes: bytes.length,
    width,
    height,
    sha256,
    safeName: `${sha256.slice(0, 12)}.${extensionOf(inspected.mediaType)}`,
  };
}

/**
 * Stores files all-or-nothing: when one write fails, the ones written are removed again before the
 * error is rethrown. `commit` (the database rows) runs after the writes; when it throws, every file
 * is removed too, so no file outlives a refused request.
 */
export async function storeAllOrNothing<T>(
  storage: { put(key: string, bytes: Buffer): Promise<void>; delete(key: string): Promise<void> },
  files: readonly { key: string; bytes: Buffer }[],
  commit: () => Promise<T>,
): Promise<T> {
  const written: string[] = [];
  try {
    for (const file of files) {
      await storage.put(file.key, file.bytes);
      written.push(file.key);
    }
    return await commit();
  } catch (error) {
    for (const key of written) await storage.delete(key).catch(() => undefined);
    throw error;
  }
}
