/** One interval of a step ramp, as the capacity maths needs it. */
export interface KneePoint {
  readonly agents: number;
  readonly achievedPerS: number;
  readonly targetPerS: number;
  /**
   * Arrivals the seeded schedule drew in the interval, per second: what the tenant was actually asked (with
   * Poisson arrivals a few percent off the target by chance). Absent in folders that did not record it.
   */
  readonly scheduledPerS?: number;
  /** null when the interval had no replies. */
  readonly p99Ms: number | null;
  /** Share of replies in error classes (ERROR_OUTCOMES), 0–1. */
  readonly errorRate: number;
}

export interface KneeRule {
  readonly sloP99Ms: number;
  /** 0–1, e.g. 0.01 for 1 %. */
  readonly maxErrorRate: number;
  /** Share of a step's judged intervals that must pass. Default 0.9. */
  readonly passShare?: number;
  /** A step with fewer judged intervals is not judged at all. Default 3. */
  readonly minJudged?: number;
  /** The step's mean achieved rate must reach this share of its target. Default 0.9. */
  readonly minAchievedRatio?: number;
  /** Consecutive intervals whose target rates differ by at most this share belong to one step. Default 0.01. */
  readonly rateTolerance?: number;
}

type IntervalFailure = 'no-replies' | 'p99' | 'errors';

interface StepVerdict {
  readonly targetPerS: number;
  /** Position of the step's first interval in the input. */
  readonly firstPoint: number;
  readonly intervals: number;
  /** Intervals judged: all but the step's first (the transition). */
  readonly judged: number;
  readonly passed: number;
  readonly failures: Readonly<Record<IntervalFailure, number>>;
  /** Over the judged intervals; null when none. */
  readonly achievedMeanPerS: number | null;
  /** What the schedule drew per second over the judged intervals; null when none or not recorded. */
  readonly scheduledMeanPerS?: number | null;
  readonly p99WorstMs: number | null;
  readonly errorRateMean: number | null;
  readonly verdict: 'pass' | 'fail' | 'too-short';
  /** Why it failed, in words (empty when it passed). */
  readonly reasons: readonly string[];
}

export interface KneeResult {
  readonly agents: number;
  /** Mean achieved rate of the highest passing step below the first failing one; null when there is none. */
  readonly kneePerS: number | null;
  readonly kneeTargetPerS: number | null;
  /**
   * found: a step failed above a passing one (capacity lies between kneePerS and the failing step's target);
   * not-reached: no step failed, so kneePerS is only a lower bound; first-step-failed: even the lowest judged step
   * broke the SLO; no-steps: nothing long enough to judge.
   */
  readonly status: 'found' | 'not-reached' | 'first-step-failed' | 'no-steps';
  readonly failedStep: StepVerdict | null;
  /** Achieved rate of each judged interval of the knee step: what the knee's confidence interval resamples. */
  readonly kneeSamples?: readonly number[];
  /**
   * Capacity lies below this rate: what the failing step answered (found; its target when it answered more, or
   * less than the knee), or the target of the step the ramp was stopped in (not-reached with a higher, unjudged
   * step); null when nothing above the knee was tried. With no passing step (first-step-failed), the bound the first
   * step gives.
   */
  readonly upperPerS?: number | null;
  /** (upperPerS − kneePerS) / kneePerS: how far above the knee capacity may lie for the steps tried. */
  readonly errorShare?: number | null;
  /** Every step in the order judged (ascending target, then time). */
  readonly steps: readonly StepVerdict[];
  readonly rule: string;
}

/**
 * The knee of one agent count's step ramp, by this rule (also returned as `rule`, for reports):
 * steps are runs of consecutive intervals at the same target rate (within `rateTolerance`); a step's first
 * interval is a transition and is not judged. An interval passes when it had replies, its p99 ≤ the SLO and its
 * error rate ≤ the limit. A step passes when at least `minJudged` intervals were judged, ≥ `passShare` of them
 * passed, and their mean achieved rate reached `minAchievedRatio` of what the schedule drew in them (the target
 * when that was not recorded). Steps are taken in ascending target order; the knee is the mean achieved rate of the highest passing step below the first failing one.
 */
export function findKnee(points: readonly KneePoint[], rule: KneeRule): KneeResult {
  const r = withDefaults(rule);
  const agents = points[0]?.agents ?? 0;
  const split = splitSteps(points, r.rateTolerance);
  const steps = split
    .map((step) => judgeStep(step, r))
    .sort((a, b) => a.targetPerS - b.targetPerS || a.firstPoint - b.firstPoint);
  let knee: StepVerdict | null = null;
  let failed: StepVerdict | null = null;
  for (const step of steps) {
    if (step.verdict === 'too-short') continue;
    if (step.verdict === 'fail') {
      failed = step;
      break;
    }
    knee = step;
  }
  const status =
    failed === null
      ? knee === null
        ? 'no-steps'
        : 'not-reached'
      : knee === null
        ? 'first-step-failed'
        : 'found';
  const kneeSamples =
    knee === null
      ? []
      : (split
          .find((s) => s.first === knee!.firstPoint)
          ?.points.slice(1)
          .map((p) => p.achievedPerS) ?? []);
  // Stopped mid-step: the next step up was tried but not judged; capacity is below its target all the same.
  const above =
    knee === null ? undefined : steps.find((s) => s.targetPerS > knee!.targetPerS * (1 + r.rateTolerance));
  const kneePerS = knee?.achievedMeanPerS ?? null;
  const upperPerS = failed !== null ? failingBound(failed, kneePerS ?? 0) : (above?.targetPerS ?? null);
  return {
    agents,
    kneePerS,
    kneeTargetPerS: knee?.targetPerS ?? null,
    status,
    failedStep: failed,
    kneeSamples,
    upperPerS: knee === null && failed === null ? null : upperPerS,
    errorShare:
      knee === null || upperPerS === null || kneePerS === null || kneePerS <= 0
        ? null
        : Math.max(0, (upperPerS - kneePerS) / kneePerS),
    steps,
    rule: describeRule(r),
  };
}

/**
 * Capacity lies below the first failing step: below its target, and below what it answered. A step that failed
 * while answering X/s broke the SLO at X/s (an overloaded tenant answers at most what it can, whatever it is
 * offered), so X is the tighter bound, and it puts the bound in the same units as the knee (answered, not asked).
 * When the failing step answered less than the knee, the tenant lost throughput under overload (or the step was
 * noisy): that says nothing about where capacity ends, so the target is kept.
 */
function failingBound(failed: StepVerdict, kneePerS: number): number {
  const answered = failed.achievedMeanPerS;
  if (answered === null || answered < kneePerS) return failed.targetPerS;
  return Math.min(failed.targetPerS, answered);
}

/** findKnee for each agent count present, ascending by agents. */
export function findKnees(points: readonly KneePoint[], rule: KneeRule): KneeResult[] {
  const byAgents = new Map<number, KneePoint[]>();
  for (const p of points) {
    const list = byAgents.get(p.agents) ?? [];
    list.push(p);
    byAgents.set(p.agents, list);
  }
  return [...byAgents.keys()].sort((a, b) => a - b).map((n) => findKnee(byAgents.get(n)!, rule));
}

type FullRule = Required<KneeRule>;

/** The SLO and error limit a knee is judged by when neither the sweep's stop limits nor the flags say. */
const DEFAULT_SLO_P99_MS = 1000;
const DEFAULT_MAX_ERROR_RATE = 0.01;

/** The whole knee rule for an SLO and an error limit (defaults where absent): what the sweep's probes and the plan judge by. */
export function kneeRule(sloP99Ms?: number, maxErrorRate?: number): FullRule {
  return withDefaults({
    sloP99Ms: sloP99Ms ?? DEFAULT_SLO_P99_MS,
    maxErrorRate: maxErrorRate ?? DEFAULT_MAX_ERROR_RATE,
  });
}

function withDefaults(rule: KneeRule): FullRule {
  return { passShare: 0.9, minJudged: 3, minAchievedRatio: 0.9, rateTolerance: 0.01, ...rule };
}

function splitSteps(
  points: readonly KneePoint[],
  tolerance: number,
): { first: number; points: KneePoint[] }[] {
  const steps: { first: number; points: KneePoint[] }[] = [];
  let current: { first: number; points: KneePoint[] } | undefined;
  points.forEach((p, i) => {
    if (!(p.targetPerS > 0)) {
      current = undefined; // idle intervals (pauses between steps) belong to no step
      return;
    }
    const base = current?.points[0]?.targetPerS;
    if (current === undefined || base === undefined || Math.abs(p.targetPerS - base) > tolerance * base) {
      current = { first: i, points: [] };
      steps.push(current);
    }
    current.points.push(p);
  });
  return steps;
}

function judgeStep(step: { first: number; points: KneePoint[] }, r: FullRule): StepVerdict {
  const targetPerS = step.points.reduce((s, p) => s + p.targetPerS, 0) / step.points.length;
  const judged = step.points.slice(1);
  const failures: Record<IntervalFailure, number> = { 'no-replies': 0, p99: 0, errors: 0 };
  let passed = 0;
  for (const p of judged) {
    if (p.p99Ms === null) failures['no-replies']++;
    else if (p.p99Ms > r.sloP99Ms) failures.p99++;
    else if (p.errorRate > r.maxErrorRate) failures.errors++;
    else passed++;
  }
  const n = judged.length;
  const achievedMeanPerS = n > 0 ? judged.reduce((s, p) => s + p.achievedPerS, 0) / n : null;
  const drawn = judged.every((p) => p.scheduledPerS !== undefined);
  const scheduledMeanPerS = n > 0 && drawn ? judged.reduce((s, p) => s + p.scheduledPerS!, 0) / n : null;
  const p99s = judged.map((p) => p.p99Ms).filter((v): v is number => v !== null);
  const base = {
    targetPerS,
    firstPoint: step.first,
    intervals: step.points.length,
    judged: n,
    passed,
    failures,
    achievedMeanPerS,
    scheduledMeanPerS,
    p99WorstMs: p99s.length > 0 ? Math.max(...p99s) : null,
    errorRateMean: n > 0 ? judged.reduce((s, p) => s + p.errorRate, 0) / n : null,
  };
  if (n < r.minJudged) {
    return {
      ...base,
      verdict: 'too-short',
      reasons: [`only ${n} judged interval(s), fewer than ${r.minJudged}`],
    };
  }
  const reasons: string[] = [];
  if (passed < r.passShare * n) {
    const why = [
      failures.p99 > 0
        ? `${failures.p99} over the p99 SLO of ${r.sloP99Ms} ms (worst ${base.p99WorstMs} ms)`
        : '',
      failures.errors > 0 ? `${failures.errors} over the error-rate limit of ${pct(r.maxErrorRate)}` : '',
      failures['no-replies'] > 0 ? `${failures['no-replies']} with no replies` : '',
    ].filter(Boolean);
    reasons.push(`${passed} of ${n} intervals passed, fewer than ${pct(r.passShare)}: ${why.join('; ')}`);
  }
  // Judged against what the schedule drew when it was recorded, so Poisson chance does not fail a healthy step.
  const asked = base.scheduledMeanPerS ?? targetPerS;
  if (achievedMeanPerS !== null && achievedMeanPerS < r.minAchievedRatio * asked) {
    reasons.push(
      `achieved ${round(achievedMeanPerS)}/s on average, below ${pct(r.minAchievedRatio)} of the ${base.scheduledMeanPerS == null ? `${round(targetPerS)}/s target` : `${round(asked)}/s the schedule drew (target ${round(targetPerS)}/s)`}`,
    );
  }
  return { ...base, verdict: reasons.length === 0 ? 'pass' : 'fail', reasons };
}

function describeRule(r: FullRule): string {
  return (
    `Steps are runs of consecutive intervals at the same target rate (±${pct(r.rateTolerance)}); each step's first ` +
    `interval is a transition and is not judged. An interval passes when it had replies, p99 ≤ ${r.sloP99Ms} ms and ` +
    `error rate ≤ ${pct(r.maxErrorRate)}. A step passes when at least ${r.minJudged} intervals were judged, ≥ ` +
    `${pct(r.passShare)} of them passed, and their mean achieved rate reached ${pct(r.minAchievedRatio)} of what the ` +
    `schedule drew in them (of the target in folders that did not record it). The knee is the mean achieved rate of the highest passing step below the first failing one; capacity ` +
    `lies below the first failing step's target and below what it achieved (when that is not below the knee).`
  );
}

function pct(share: number): string {
  return `${round(share * 100)} %`;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
