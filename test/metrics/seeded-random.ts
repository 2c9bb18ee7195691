/** A small seeded PRNG (mulberry32) so tests with "random" data are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Box–Muller) from a seeded uniform source. */
export function seededNormal(seed: number): () => number {
  const uniform = seededRandom(seed);
  return () => {
    const u = 1 - uniform();
    const v = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

/** Latencies (µs) shaped like sign-ins: a log-normal body around `medianUs` with a heavy tail. */
export function latencySampler(seed: number, medianUs = 100_000): () => number {
  const normal = seededNormal(seed);
  return () => Math.max(1, Math.round(medianUs * Math.exp(0.6 * normal())));
}
