// Short-lived links to stored files: the path, an expiry and an HMAC over both under a key derived
// from the master key. A reviewer's browser can load a document in an <img> without the file ever
// being public, and a leaked link stops working within minutes.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Makes and checks signed links for one route prefix. */
export interface UrlSigner {
  /** `<publicUrl><path>?expires=<ms>&signature=<hmac>`, valid for `ttlMs` from `nowMs`. */
  sign(path: string, nowMs: number): { url: string; expiresAtMs: number };
  /** True when the signature is ours for this path and expiry, and the expiry is not past. */
  verify(path: string, expires: string, signature: string, nowMs: number): boolean;
}

/** A signer; `publicUrl` is where the API is reached (its /api is forwarded to the API). */
export function createUrlSigner(options: { key: Buffer; publicUrl: string; ttlMs: number }): UrlSigner {
  const mac = (path: string, expires: string) =>
    createHmac('sha256', options.key).update(path).update('\n').update(expires).digest('base64url');
  const base = options.publicUrl.replace(/\/+$/, '');
  return {
    sign(path, nowMs) {
      const expiresAtMs = nowMs + options.ttlMs;
      const expires = String(expiresAtMs);
      return {
        url: `${base}${path}?expires=${expires}&signature=${mac(path, expires)}`,
        expiresAtMs,
      };
    },
    verify(path, expires, signature, nowMs) {
      if (!/^\d{1,16}$/.test(expires) || Number(expires) < nowMs) return false;
      const expected = Buffer.from(mac(path, expires));
      const given = Buffer.from(signature);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
