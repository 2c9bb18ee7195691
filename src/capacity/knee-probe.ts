/** Where a sweep probes next to narrow one agent count's knee: bisection between the last good and first bad rate. */
import type { KneeResult } from './knee.js';

/** What the steps judged so far say about capacity: it lies at or above `lowerPerS` and below `upperPerS`. */
interface KneeBracket {
  /** The knee: what the highest passing step below the first failing one answered (0 when none passed). */
  readonly lowerPerS: number;
  /** KneeResult.upperPerS: below the first failing step's target and what it answered (or the stopped step's target). */
  readonly upperPerS: number;
  /** The knee's stated error, as the plan shows it: (upper − knee) / knee; null without a knee. */
  readonly errorShare: number | null;
}

/** A probe within this share of the knee's step would be judged as the same rate: nothing to learn. */
const MIN_GAP = 0.01;

export type NextProbe =
  | {
      readonly kind: 'probe';
      readonly bracket: KneeBracket;
      /** The rate to hold and judge. */
      readonly ratePerS: number;
      /** The lead-in ramp before it climbs from `leadFromPerS` to `leadToPerS`: warm, below the bracket. */
      readonly leadFromPerS: number;
      readonly leadToPerS: number;
    }
  | {
      readonly kind: 'done';
      readonly bracket: KneeBracket | null;
      /** Why no further probe helps, in words for the console and sweep.json. */
      readonly why: string;
    };

/**
 * The next probe for a knee found with findKnee over every interval of the count so far (ramp and earlier probes,
 * judged by the same rule the plan uses, so the sweep and the plan always agree on the bracket). Probes the middle
 * of the bracket; stops once the knee's error is at most `within`, or no rate is left between the knee's step and
 * the bound above it.
 */
export function nextProbe(knee: KneeResult, within: number): NextProbe {
  if (knee.status === 'no-steps') {
    return { kind: 'done', bracket: null, why: 'no step was long enough to be judged' };
  }
  const lowerPerS = knee.kneePerS ?? 0;
  const upperPerS = knee.upperPerS ?? null;
  if (upperPerS === null) {
    return {
      kind: 'done',
      bracket: null,
      why: `no step failed up to ${rate(lowerPerS)}, so capacity lies above the ramp; raise its \`until\``,
    };
  }
  const bracket: KneeBracket = { lowerPerS, upperPerS, errorShare: knee.errorShare ?? null };
  if (bracket.errorShare !== null && bracket.errorShare <= within) {
    return { kind: 'done', bracket, why: `the knee is known to within +${pct(bracket.errorShare)}` };
  }
  // The knee is what the highest passing *target* answered, so only a probe asked more than that step can move
  // it: a step that passed while answering less than it was asked leaves nothing to probe below its target.
  const kneeTarget = knee.kneeTargetPerS ?? 0;
  const ratePerS = roundRate((Math.max(kneeTarget, lowerPerS) + upperPerS) / 2);
  if (ratePerS <= kneeTarget * (1 + MIN_GAP) || ratePerS >= upperPerS) {
    return {
      kind: 'done',
      bracket,
      why:
        kneeTarget > lowerPerS * (1 + MIN_GAP)
          ? `the knee's step was asked ${rate(kneeTarget)} and answered ${rate(lowerPerS)}, and nothing above it is left to try below ${rate(upperPerS)}`
          : `every rate left below ${rate(upperPerS)} is within ${pct(MIN_GAP)} of the knee's step, too close for the knee rule to tell apart`,
    };
  }
  const leadToPerS = lowerPerS > 0 ? lowerPerS : ratePerS / 2;
  return { kind: 'probe', bracket, ratePerS, leadFromPerS: roundRate(leadToPerS / 2), leadToPerS };
}

/** To 0.1/s: probe rates read cleanly in folder names and reports, and stay strictly inside any bracket wider than that. */
function roundRate(perS: number): number {
  return Math.round(perS * 10) / 10;
}

function rate(perS: number): string {
  return `${Math.round(perS * 10) / 10}/s`;
}

function pct(share: number): string {
  return `${Math.round(share * 1000) / 10} %`;
}
