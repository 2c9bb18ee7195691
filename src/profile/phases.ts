import type { Phase } from './raw-schema.js';

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

/** The highest target rate (per second) a phase asks for. */
export function peakRate(phase: Phase): number {
  switch (phase.shape) {
    case 'constant':
      return phase.rate;
    case 'ramp':
      return Math.max(phase.from, phase.to);
    case 'burst':
      return Math.max(phase.base, phase.spike);
    case 'step': {
      const steps = Math.max(1, Math.ceil(phase.durationMs / phase.everyMs - 1e-9));
      return Math.min(phase.until, phase.start + (steps - 1) * phase.increment);
    }
  }
}

/** The highest target rate of the whole run. */
export function peakTargetRate(profile: { readonly load: { readonly phases: readonly Phase[] } }): number {
  let peak = 0;
  for (const p of profile.load.phases) peak = Math.max(peak, peakRate(p));
  return peak;
}
