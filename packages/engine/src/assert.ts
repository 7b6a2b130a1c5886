/** Thrown when an engine invariant fails: a programmer error, never an expected rejection. */
export class InvariantError extends Error {
  override name = 'InvariantError';
}

/** Crash on a broken invariant; stays on in production because a wrong balance is worse than a stop. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}

/** Throw an InvariantError. Hot paths write `if (!cond) fail(`...`)` so the message is built only on failure. */
export function fail(message: string): never {
  throw new InvariantError(message);
}
