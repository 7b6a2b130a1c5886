// A seeded generator so every engine sees the same command stream on every machine; Math.random()
// can be neither seeded nor reproduced.

const u32Range = 2 ** 32;

/** mulberry32: 32 bits of state, a few integer ops per draw; ample quality for a workload. */
export class Mulberry32 {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Next uniform integer in [0, 2^32). */
  nextU32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Next uniform float in [0, 1). */
  nextFloat(): number {
    return this.nextU32() / u32Range;
  }

  /** Next uniform integer in [0, bound); bound must be a positive safe integer below 2^32. */
  nextInt(bound: number): number {
    return Math.floor(this.nextFloat() * bound);
  }
}
