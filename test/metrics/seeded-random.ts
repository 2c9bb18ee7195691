import { Rng } from '../../src/seeded-random.js';
/** Reproducible "random" test data, from the project's one seeded generator. */
export function seededRandom(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next01();
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
