// Orders are read from the read model, which follows the engine a moment behind. A client that places
// an order and then asks for it (every bot does) must see it: each user's last order command's seq is
// remembered, and a read waits (briefly) until the projection has applied it. Per process: a client
// spread over several API processes may still read a moment behind.
/** Resolves once the read model holds command `seq`; rejects after `timeoutMs`. */
export type ProjectionWait = (seq: number, timeoutMs: number) => Promise<void>;

const WAIT_MAX_MS = 2_000;
const USERS_MAX = 100_000;

export interface ReadYourWrites {
  wrote(userId: string, commandSeq: number): void;
  /** Resolves once the read model holds the user's last write (or after WAIT_MAX_MS). */
  caughtUp(userId: string): Promise<void>;
}

/** Over the platform's shared projection waiter (one poll of the cursor however many requests wait). */
export function createReadYourWrites(waitFor: ProjectionWait): ReadYourWrites {
  let lastSeq = new Map<string, number>();
  return {
    wrote(userId, commandSeq) {
      if (lastSeq.size >= USERS_MAX) lastSeq = new Map();
      lastSeq.set(userId, Math.max(commandSeq, lastSeq.get(userId) ?? 0));
    },
    async caughtUp(userId) {
      const seq = lastSeq.get(userId);
      if (seq === undefined) return;
      // A read-model stall must not fail the read: after the bound it answers what is known.
      await waitFor(seq, WAIT_MAX_MS).catch(() => undefined);
    },
  };
}
