/** The bounds of `ptaload run`'s typed overrides, shared by the command line and the library API (which has no flags to parse). */
import { UsageError } from '../errors.js';
import { MAX_LOAD_RATE } from '../profile/quantities.js';
import type { RunOverrides, Shard } from './settings.js';

/** Inclusive integer ranges of the numeric overrides: what `--workers`, `--connections` and `--seed` accept. */
export const OVERRIDE_RANGES = {
  workers: [1, 64],
  connections: [1, 100_000],
  seed: [0, 2 ** 31 - 1],
} as const;

/** Why `shard` is not a share i of n (0 ≤ i < n), or undefined when it is. */
export function shardProblem(shard: Shard): string | undefined {
  const { index, count } = shard;
  if (!Number.isInteger(index) || !Number.isInteger(count) || count < 1 || index < 0 || index >= count) {
    return `expected i/n with 0 <= i < n (for example 0/4 for the first of four harnesses), got ${index}/${count}`;
  }
  return undefined;
}

/**
 * Checks overrides given as typed values (the library API); the command line has checked its own already, so
 * for it this finds nothing. Throws a UsageError naming the option and what it accepts.
 */
export function checkOverrides(o: RunOverrides): void {
  for (const key of ['workers', 'connections', 'seed'] as const) {
    const v = o[key];
    if (v === undefined) continue;
    const [lo, hi] = OVERRIDE_RANGES[key];
    if (!Number.isInteger(v) || v < lo || v > hi) {
      throw new UsageError(`${key}: expected a whole number from ${lo} to ${hi}, got ${String(v)}.`);
    }
  }
  if (o.shard) {
    const problem = shardProblem(o.shard);
    if (problem) throw new UsageError(`shard: ${problem}.`);
  }
  const rate = o.load?.rate;
  if (rate !== undefined && !(rate > 0 && rate <= MAX_LOAD_RATE)) {
    throw new UsageError(
      `load.rate: expected more than 0 and at most ${MAX_LOAD_RATE}/s, got ${String(rate)}.`,
    );
  }
  const durationMs = o.load?.durationMs;
  if (durationMs !== undefined && !(Number.isFinite(durationMs) && durationMs > 0)) {
    throw new UsageError(
      `load.durationMs: expected a positive number of milliseconds, got ${String(durationMs)}.`,
    );
  }
  const agents = o.load?.agents;
  if (agents !== undefined && !(Number.isInteger(agents) && agents >= 1 && agents <= 40)) {
    throw new UsageError(`load.agents: expected a whole number from 1 to 40, got ${String(agents)}.`);
  }
}
