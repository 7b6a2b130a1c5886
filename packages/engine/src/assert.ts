/** Thrown when an engine invariant fails: a programmer error, never an expected rejection. */
export class InvariantError extends Error {
  override name = 'InvariantError';
}

/** Crash on a broken invariant; stays on in production because a wrong balance is worse than a stop. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}
