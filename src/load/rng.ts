/**
 * A small seeded pseudo-random generator (sfc32, seeded through splitmix32). Not cryptographic: it only
 * has to make schedules reproducible from a seed and identical in every worker that shares one.
 * 128 bits of state, so a day at 16,000 draws/s stays far from its period.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const split = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = split();
    this.b = split();
    this.c = split();
    this.d = split();
    // The first outputs of sfc32 still show the seed's structure; discard them.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in the open interval (0, 1): never 0, so `-log(u)` is always finite. */
  nextOpen01(): number {
    return (this.nextUint32() + 0.5) / 4294967296;
  }

  /** Exponentially distributed with mean 1. */
  nextExp(): number {
    return -Math.log(this.nextOpen01());
  }
}
