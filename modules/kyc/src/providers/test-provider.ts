// A provider for tests and demos: it verifies nothing by itself; whoever holds its secret reports the
// outcome through the webhook, signed like real vendors sign theirs (HMAC-SHA256 over
// `<timestamp>.<body>`, header `x-kyc-signature: t=<ms>,v1=<hex>`, five minutes of tolerance).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { KycProvider, ProviderResult } from './provider.js';

export const TEST_PROVIDER = 'test';
const TOLERANCE_MS = 5 * 60_000;

const bodySchema = z.object({
  eventId: z.string().min(1).max(100),
  reference: z.string().min(1).max(100),
  outcome: z.enum(['approved', 'rejected', 'changes_requested']),
  reason: z.string().min(1).max(1000).optional(),
});

/** The signature header for a body, as the test provider sends it. */
export function signTestProviderWebhook(secret: Buffer, rawBody: string, timestampMs: number): string {
  const mac = createHmac('sha256', secret).update(`${timestampMs}.${rawBody}`).digest('hex');
  return `t=${timestampMs},v1=${mac}`;
}

/** The test provider; `started` lists what it was handed (tests look at it). */
export function createTestKycProvider(
  secret: Buffer,
): KycProvider & { started: { reference: string; applicationId: string }[] } {
  const started: { reference: string; applicationId: string }[] = [];
  return {
    name: TEST_PROVIDER,
    started,
    async start(request) {
      const reference = `tkp_${randomBytes(8).toString('hex')}`;
      started.push({ reference, applicationId: request.applicationId });
      return { reference };
    },
    parseWebhook(headers, rawBody, nowMs): ProviderResult | null {
      const header = headers['x-kyc-signature'];
      if (typeof header !== 'string') return null;
      const parts = Object.fromEntries(
        header.split(',').map((part) => part.split('=', 2) as [string, string]),
      );
      const t = Number(parts.t);
      const given = Buffer.from(parts.v1 ?? '', 'hex');
      if (!Number.isSafeInteger(t) || Math.abs(nowMs - t) > TOLERANCE_MS) return null;
      const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawBody);
      } catch {
        return null;
      }
      const body = bodySchema.safeParse(parsed);
      if (!body.success) return null;
      return {
        eventId: body.data.eventId,
        reference: body.data.reference,
        outcome: body.data.outcome,
        ...(body.data.reason === undefined ? {} : { reason: body.data.reason }),
      };
    },
  };
}
