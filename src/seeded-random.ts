import { createHash } from 'node:crypto';

/**
 * A small seeded pseudo-random generator (sfc32). Not cryptographic: it only has to make schedules,
 * simulated service times and resamples reproducible from a seed. 128 bits of state, so a day at
 * 16,000 draws/s stays far from its period. The one generator of the code base (passwords use a
 * keystream instead: protocol/seeded-bytes.ts).
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Seeded from a 32-bit number, spread over the state with splitmix32. */
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
    this.discard();
  }

  /** Seeded from any seed and a purpose, so `1`, `'1'` and `'run-42'` all work and purposes don't share streams. */
  static keyed(seed: number | string, purpose: string): Rng {
    const key = createHash('sha256')
      .update(`ptaload:${purpose}:${String(seed)}`)
      .digest();
    const rng = new Rng(0);
    rng.a = key.readUInt32LE(0);
    rng.b = key.readUInt32LE(4);
    rng.c = key.readUInt32LE(8);
    rng.d = key.readUInt32LE(12);
    rng.discard();
    return rng;
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

  /** Uniform in [0, 1). */
  next01(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in the open interval (0, 1): never 0, so `-log(u)` is always finite. */
  nextOpen01(): number {
    return (this.nextUint32() + 0.5) / 4294967296;
  }

  /** Exponentially distributed with mean 1. */
  nextExp(): number {
    return -Math.log(this.nextOpen01());
  }

  /** The first outputs of sfc32 still show the seed's structure. */
  private discard(): void {
    for (let i = 0; i < 12; i++) this.nextUint32();
  }
}

/** A seeded float source in [0, 1) for simulation choices (service times, user states, dispatch). */
export function seededRandom(seed: number | string, purpose = 'random'): () => number {
  const rng = Rng.keyed(seed, purpose);
  return () => rng.next01();
}
