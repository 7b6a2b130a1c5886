import type { Queryable } from '@tradeloom/db';

/**
 * Resolves once the read model holds command `seq`, polling the cursor (any process: in server mode
 * the projector runs in the engine process). Throws after `timeoutMs`.
 */
export async function waitForProjection(db: Queryable, seq: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 2;
  for (;;) {
    const { rows } = await db.query('SELECT last_applied_seq FROM engine_projection_state WHERE id = 1');
    if (Number(rows[0]?.last_applied_seq ?? 0) >= seq) return;
    if (Date.now() > deadline) throw new Error(`projection did not reach command ${seq} in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 50);
  }
}
