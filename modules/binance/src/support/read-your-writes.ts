// Orders are read from the read model, which follows the engine a moment behind. A client that places
// an order and then asks for it (every bot does) must see it: each user's last order command's seq is
// remembered, and a read waits (briefly) until the projection has applied it. Per process: a client
// spread over several API processes may still read a moment behind.
import type { Database } from '@tradeloom/db';

const WAIT_MAX_MS = 2_000;
const USERS_MAX = 100_000;

export interface ReadYourWrites {
  wrote(userId: string, commandSeq: number): void;
  /** Resolves once the read model holds the user's last write (or after WAIT_MAX_MS). */
  caughtUp(userId: string): Promise<void>;
}

export function createReadYourWrites(database: Database): ReadYourWrites {
  let lastSeq = new Map<string, number>();
  let projected = 0;
  return {
    wrote(userId, commandSeq) {
      if (lastSeq.size >= USERS_MAX) lastSeq = new Map();
      lastSeq.set(userId, Math.max(commandSeq, lastSeq.get(userId) ?? 0));
    },
    async caughtUp(userId) {
      const seq = lastSeq.get(userId);
      if (seq === undefined || seq <= projected) return;
      // Real time, not the platform clock: this bounds a wait, and tests hold their clock still.
      const deadline = Date.now() + WAIT_MAX_MS;
      let delay = 1;
      for (;;) {
        const { rows } = await database.query(
          'SELECT last_applied_seq::text AS seq FROM engine_projection_state WHERE id = 1',
        );
        projected = Math.max(projected, Number(rows[0]?.seq ?? 0));
        if (projected >= seq || Date.now() > deadline) return;
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 20);
      }
    },
  };
}
