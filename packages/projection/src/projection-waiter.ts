import type { Queryable } from '@tradeloom/db';

/** Waits for the read model to hold a command; one shared poll of the cursor however many wait. */
export interface ProjectionWaiter {
  /** Resolves once command `seq` is projected; rejects after `timeoutMs` (default 10 s). */
  waitFor(seq: number, timeoutMs?: number): Promise<void>;
  /** The last projected seq seen. */
  readonly seenSeq: number;
}

interface Waiter {
  seq: number;
  deadline: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * A waiter that polls `engine_projection_state` while anyone waits (every `intervalMs`), so a
 * request that must answer from the read model right after its own command does not each poll the
 * database. Works in every process: in server mode the projector runs in the engine process.
 */
export function createProjectionWaiter(db: Queryable, intervalMs = 2): ProjectionWaiter {
  const waiters: Waiter[] = [];
  let seen = 0;
  let polling = false;

  const settle = () => {
    const now = Date.now();
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i]!;
      if (w.seq <= seen) {
        waiters.splice(i, 1);
        w.resolve();
      } else if (now > w.deadline) {
        waiters.splice(i, 1);
        w.reject(new Error(`projection did not reach command ${w.seq} in time (at ${seen})`));
      }
    }
  };

  const poll = async () => {
    if (polling) return;
    polling = true;
    try {
      while (waiters.length > 0) {
        const { rows } = await db.query('SELECT last_applied_seq FROM engine_projection_state WHERE id = 1');
        seen = Math.max(seen, Number(rows[0]?.last_applied_seq ?? 0));
        settle();
        if (waiters.length > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    } catch (error) {
      for (const w of waiters.splice(0)) w.reject(error instanceof Error ? error : new Error(String(error)));
    } finally {
      polling = false;
    }
  };

  return {
    get seenSeq() {
      return seen;
    },
    waitFor(seq, timeoutMs = 10_000) {
      if (seq <= seen) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        waiters.push({ seq, deadline: Date.now() + timeoutMs, resolve, reject });
        void poll();
      });
    },
  };
}
