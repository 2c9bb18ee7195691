import type { Phase } from './raw-schema.js';
import { peakRate } from './shapes/registry.js';

interface Timed {
  readonly load: { readonly phases: readonly { readonly durationMs: number }[] };
  readonly sweep?: { readonly agentCounts: readonly number[]; readonly settleMs: number } | undefined;
}

/** One pass through `load.phases`. */
export function phasesDurationMs(profile: Timed): number {
  let ms = 0;
  for (const p of profile.load.phases) ms += p.durationMs;
  return ms;
}

/** The whole run as scheduled: with a sweep, the phases once per agent count plus the settle gaps. */
export function totalDurationMs(profile: Timed): number {
  const once = phasesDurationMs(profile);
  const sweep = profile.sweep;
  if (!sweep) return once;
  const n = sweep.agentCounts.length;
  return n * once + (n - 1) * sweep.settleMs;
}

/** The highest target rate of the whole run. */
export function peakTargetRate(profile: { readonly load: { readonly phases: readonly Phase[] } }): number {
  let peak = 0;
  for (const p of profile.load.phases) peak = Math.max(peak, peakRate(p));
  return peak;
}
