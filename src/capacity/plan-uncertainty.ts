/** How sure the plan is: a seeded bootstrap of the knees, the model choice and the agents needed. */
import { Rng } from '../seeded-random.js';
import { selectModel } from './model-select.js';
import type { ScalingModel, UslFit } from './usl-fit.js';
import { uslThroughput } from './usl-fit.js';

/** One agent count's knee as the bootstrap sees it. */
export interface KneeEvidence {
  readonly agents: number;
  readonly kneePerS: number;
  /** Achieved rate of each judged interval of the knee step; absent or empty: the knee is taken as exact. */
  readonly samples?: readonly number[];
  /** Capacity lies below this (the first failing step's target); null or absent: no bracket above the knee. */
  readonly upperPerS?: number | null;
}

/** A 95 % interval; null at an end means "no agent count up to the search limit". */
export interface Interval {
  readonly low: number | null;
  readonly high: number | null;
}

export interface Uncertainty {
  readonly level: number;
  readonly resamples: number;
  readonly seed: number;
  readonly method: string;
  /** λ (one agent's throughput, no contention) across resamples. */
  readonly perAgentPerS: Interval;
  readonly servingAgents: Interval;
  readonly recommendedAgents: Interval;
  /** The peak of the curve where resamples chose a retrograde USL; null when fewer than half did. */
  readonly nStar: Interval | null;
  /** The curve's 95 % band, X(N) for N = 1…maxAgents (index N − 1). */
  readonly curveBand?: readonly { readonly low: number; readonly high: number }[];
  /** Share of resamples that chose each model. */
  readonly modelShares: Readonly<Record<ScalingModel, number>>;
}

const UNCERTAINTY_METHOD =
  'Each resample redraws every agent count’s knee three ways: the mean of its knee step’s intervals resampled ' +
  'with replacement; a uniform draw between the knee and the first failing step’s target (where capacity must ' +
  'lie, given the step size); and one of the point fit’s relative residuals, drawn at random and scaled by ' +
  '√(n/(n−k)) (the scatter between counts the model does not explain). The model is then chosen and fitted ' +
  'again, and the agents needed recomputed; the interval is the 2.5th to 97.5th percentile.';

/**
 * Bootstrap of the plan: `recommend` turns a throughput curve into agents (serving, recommended); pure and
 * seeded, so the same inputs always give the same interval.
 */
export function bootstrap(
  knees: readonly KneeEvidence[],
  pointFit: UslFit,
  recommend: (x: (n: number) => number) => { serving: number | null; recommended: number | null },
  options: { readonly resamples?: number; readonly seed?: number; readonly curveAgents?: number } = {},
): Uncertainty {
  const resamples = options.resamples ?? 400;
  const seed = options.seed ?? 1;
  const rng = Rng.keyed(seed, 'plan-bootstrap');
  const n = knees.length;
  const k = pointFit.model === 'linear' ? 1 : pointFit.model === 'amdahl' ? 2 : 3;
  const scale = n > k ? Math.sqrt(n / (n - k)) : 0;
  const relResiduals = pointFit.points.map((p) => (p.fitted > 0 ? (p.residual / p.fitted) * scale : 0));
  const lambdas: number[] = [];
  const serving: number[] = [];
  const recommended: number[] = [];
  const nStars: number[] = [];
  const shares: Record<ScalingModel, number> = { linear: 0, amdahl: 0, usl: 0 };
  const curves = Array.from({ length: options.curveAgents ?? 0 }, () => [] as number[]);
  for (let b = 0; b < resamples; b++) {
    const points = knees.map((kn) => {
      const s = kn.samples ?? [];
      let x = kn.kneePerS;
      if (s.length > 1) {
        let sum = 0;
        for (let i = 0; i < s.length; i++) sum += s[Math.floor(rng.next01() * s.length)]!;
        x = sum / s.length;
      }
      const upper = kn.upperPerS ?? null;
      if (upper !== null && upper > kn.kneePerS)
        x *= 1 + rng.next01() * ((upper - kn.kneePerS) / kn.kneePerS);
      if (scale > 0) x *= 1 + relResiduals[Math.floor(rng.next01() * relResiduals.length)]!;
      return { n: kn.agents, x: Math.max(x, 1e-9) };
    });
    const { model, fit } = selectModel(points);
    shares[model]++;
    lambdas.push(fit.lambda);
    const r = recommend((m) => uslThroughput(fit, m));
    serving.push(r.serving ?? Number.POSITIVE_INFINITY);
    recommended.push(r.recommended ?? Number.POSITIVE_INFINITY);
    if (fit.nStar !== null) nStars.push(fit.nStar);
    for (const [i, c] of curves.entries()) c.push(uslThroughput(fit, i + 1));
  }
  return {
    level: 0.95,
    resamples,
    seed,
    method: UNCERTAINTY_METHOD,
    perAgentPerS: interval(lambdas),
    servingAgents: interval(serving),
    recommendedAgents: interval(recommended),
    nStar: nStars.length * 2 >= resamples ? interval(nStars) : null,
    ...(curves.length > 0
      ? {
          curveBand: curves.map((c) => {
            const i = interval(c);
            return { low: i.low ?? 0, high: i.high ?? 0 };
          }),
        }
      : {}),
    modelShares: {
      linear: shares.linear / resamples,
      amdahl: shares.amdahl / resamples,
      usl: shares.usl / resamples,
    },
  };
}

function interval(values: number[]): Interval {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => {
    if (sorted.length === 0) return null;
    const v = sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!;
    return Number.isFinite(v) ? v : null;
  };
  return { low: at(0.025), high: at(0.975) };
}
