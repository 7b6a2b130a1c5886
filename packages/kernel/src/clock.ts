/** Where services read the time, so tests can move it (a real clock in every process). */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  nowMs(): number;
}

/** The system clock. */
export const systemClock: Clock = { nowMs: () => Date.now() };

/** A clock tests set and advance. */
export class SettableClock implements Clock {
  constructor(private ms: number = Date.now()) {}
  nowMs(): number {
    return this.ms;
  }
  /** Moves the clock forward by `ms`. */
  advance(ms: number): void {
    this.ms += ms;
  }
  /** Sets the clock. */
  set(ms: number): void {
    this.ms = ms;
  }
}
