import type { Phase } from './raw-schema.js';
import { peakRate } from './shapes/registry.js';

interface Timed {
  readonly load: { readonly phases: readonly { readonly durationMs: number }[]; readonly intervalMs: number };
  readonly sweep?:
    | {
        readonly agentCounts: readonly number[];
        readonly settleMs: number;
        readonly refine?: { readonly probes: number; readonly holdMs: number } | undefined;
      }
    | undefined;
}

/** A lead-in ramp of more intervals than this could form a step of its own (consecutive rates within 1 %). */
const MAX_LEAD_INTERVALS = 20;

/** A knee probe's lead-in ramp: as long as its hold, but never so many intervals that it could pass for a step. */
export function probeLeadMs(holdMs: number, intervalMs: number): number {
  return Math.min(holdMs, MAX_LEAD_INTERVALS * intervalMs);
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
  const refine = sweep.refine;
  // With refinement, at most `probes` short runs per count, each after a settle gap.
  const probe = refine
    ? refine.probes * (probeLeadMs(refine.holdMs, profile.load.intervalMs) + refine.holdMs + sweep.settleMs)
    : 0;
  return n * (once + probe) + (n - 1) * sweep.settleMs;
}

/** The highest target rate of the whole run. */
export function peakTargetRate(profile: { readonly load: { readonly phases: readonly Phase[] } }): number {
  let peak = 0;
  for (const p of profile.load.phases) peak = Math.max(peak, peakRate(p));
  return peak;
}
