import { ResultsError, UsageError } from '../errors.js';
import { MODEL_RULE_TEXT, type ModelCandidate, measuredDownturn, selectModel } from './model-select.js';
import { bootstrap, type KneeEvidence, type Uncertainty } from './plan-uncertainty.js';
import { type PlanVerdict, planVerdict } from './plan-verdict.js';
import { type ScalingModel, type UslFit, uslThroughput } from './usl-fit.js';

export type Redundancy =
  | { readonly kind: 'n+k'; readonly k: number }
  /**
   * Agents spread over sites, by site name. Counts > 0 are a layout to check against the loss of its largest site;
   * all 0 (e.g. from `site:3`) names the sites only, and the check uses the recommended even spread.
   */
  | { readonly kind: 'site'; readonly sites: Readonly<Record<string, number>> };

export interface PlanInput {
  /** Knee throughput measured per agent count (several runs of one count are all used in the fit). */
  readonly knees: readonly KneeEvidence[];
  readonly peakPerS: number;
  /** Extra capacity above the peak, as a share (0.25 = 25 %). */
  readonly headroom: number;
  readonly redundancy: Redundancy;
  /** The tenant's limit on PTA agents (40). */
  readonly maxAgents: number;
  /** Microsoft's production minimum (3). */
  readonly minAgents: number;
  /** Seeds the bootstrap (default 1): the same knees always give the same interval. */
  readonly seed?: number;
  /** Bootstrap resamples (default 400). */
  readonly resamples?: number;
}

interface CurvePoint {
  readonly agents: number;
  readonly predictedPerS: number;
  readonly extrapolated: boolean;
}

export interface Plan {
  readonly input: PlanInput;
  /** The chosen model's fit (linear and Amdahl are USL fits with σ and/or κ held at 0). */
  readonly fit: UslFit;
  /** Which model the knees support, and how the others fared. Absent in plans written before model selection. */
  readonly model?: { readonly chosen: ScalingModel; readonly candidates: readonly ModelCandidate[] };
  /** 95 % intervals from a seeded bootstrap. Absent in older plans. */
  readonly uncertainty?: Uncertainty;
  /** The verdict in words the evidence supports. Absent in older plans. */
  readonly verdict?: PlanVerdict;
  readonly perAgentPerS: {
    /** The 1-agent knee (mean over runs), when 1 agent was measured. */
    readonly fromOneAgentKnee: number | null;
    /** The fit's λ: one agent's throughput with no contention. */
    readonly fromFit: number;
    /** Mean over measured knees of knee / agents. */
    readonly measuredMean: number;
  };
  /** peak × (1 + headroom). */
  readonly neededPerS: number;
  /** The fit's prediction for 1…maxAgents agents. */
  readonly curve: readonly CurvePoint[];
  readonly recommendation: {
    /** Smallest N with predicted X(N) ≥ needed (searched up to 1000); null when the fit never reaches it. */
    readonly servingAgents: number | null;
    readonly servingPredictedPerS: number | null;
    /** X(servingAgents − 1), to show one fewer is not enough; null when servingAgents ≤ 1 or null. */
    readonly oneFewerPredictedPerS: number | null;
    /** Agents added for redundancy (k, or the largest site's share for site redundancy). */
    readonly redundancyAgents: number | null;
    /** max(minAgents, servingAgents + redundancyAgents); null when no N serves the need. */
    readonly recommendedAgents: number | null;
    readonly raisedToMinimum: boolean;
    readonly fitsUnderMax: boolean;
    readonly extrapolated: boolean;
    /** How the site split works for site redundancy (even spread over the given sites), else null. */
    readonly siteSplit: { readonly sites: number; readonly largestSiteAgents: number } | null;
  };
  readonly ceiling: {
    /** Agents that carry load when maxAgents are deployed and the redundancy allowance is lost. */
    readonly servingAgents: number;
    /** The best predicted throughput with up to that many agents (USL may peak earlier). */
    readonly bestAgents: number;
    readonly predictedPerS: number;
    /** predicted / (1 + headroom): the highest peak maxAgents can carry with headroom and redundancy. */
    readonly maxPeakPerS: number;
    readonly extrapolated: boolean;
  };
  /** For site redundancy: a layout (the given one, else the recommended even spread) losing its largest site. */
  readonly siteLoss: {
    readonly layout: 'given' | 'recommended';
    readonly agentsPerSite: Readonly<Record<string, number>>;
    readonly totalAgents: number;
    readonly largestSite: string;
    readonly largestSiteAgents: number;
    readonly remainingAgents: number;
    readonly remainingPredictedPerS: number;
    readonly survives: boolean;
  } | null;
  readonly assumptions: readonly string[];
  readonly warnings: readonly string[];
}

const SEARCH_LIMIT = 1000;

const MODEL_NAMES: Record<ScalingModel, string> = {
  linear: 'linear model',
  amdahl: 'Amdahl model (contention only)',
  usl: 'Universal Scalability Law',
};

/** A plan before its words: what the verdict, assumptions and warnings are made from. */
type PlanCore = Omit<Plan, 'assumptions' | 'warnings' | 'verdict'>;

/** Agents needed for a peak, from measured knees, a USL fit, headroom and redundancy. Every step is in the result. */
export function planCapacity(input: PlanInput): Plan {
  validate(input);
  const choice = selectModel(input.knees.map((k) => ({ n: k.agents, x: k.kneePerS })));
  const fit = choice.fit;
  const x = (n: number) => uslThroughput(fit, n);
  const extrapolated = (n: number) => n > fit.measuredN.max || n < fit.measuredN.min;
  const neededPerS = input.peakPerS * (1 + input.headroom);

  const oneAgent = input.knees.filter((k) => k.agents === 1);
  const perAgentPerS = {
    fromOneAgentKnee: oneAgent.length > 0 ? mean(oneAgent.map((k) => k.kneePerS)) : null,
    fromFit: fit.lambda,
    measuredMean: mean(input.knees.map((k) => k.kneePerS / k.agents)),
  };

  const sites = input.redundancy.kind === 'site' ? Object.keys(input.redundancy.sites).length : 0;
  const point = recommend(x, input, neededPerS);
  const { servingAgents, redundancyAgents, total, recommendedAgents } = point;
  const uncertainty = bootstrap(
    input.knees,
    fit,
    (curve) => {
      const r = recommend(curve, input, neededPerS);
      return { serving: r.servingAgents, recommended: r.recommendedAgents };
    },
    {
      ...(input.seed === undefined ? {} : { seed: input.seed }),
      ...(input.resamples === undefined ? {} : { resamples: input.resamples }),
      curveAgents: input.maxAgents,
    },
  );

  const ceilingServing =
    input.redundancy.kind === 'n+k'
      ? input.maxAgents - input.redundancy.k
      : input.maxAgents - Math.ceil(input.maxAgents / sites);
  let bestAgents = Math.max(1, ceilingServing);
  for (let n = 1; n <= ceilingServing; n++) if (x(n) > x(bestAgents)) bestAgents = n;
  const ceilingPredicted = ceilingServing >= 1 ? x(bestAgents) : 0;

  const plan: PlanCore = {
    input,
    fit,
    model: { chosen: choice.model, candidates: choice.candidates },
    uncertainty,
    perAgentPerS,
    neededPerS,
    curve: Array.from({ length: input.maxAgents }, (_, i) => ({
      agents: i + 1,
      predictedPerS: x(i + 1),
      extrapolated: extrapolated(i + 1),
    })),
    recommendation: {
      servingAgents,
      servingPredictedPerS: servingAgents === null ? null : x(servingAgents),
      oneFewerPredictedPerS: servingAgents === null || servingAgents <= 1 ? null : x(servingAgents - 1),
      redundancyAgents,
      recommendedAgents,
      raisedToMinimum: total !== null && total < input.minAgents,
      fitsUnderMax: recommendedAgents !== null && recommendedAgents <= input.maxAgents,
      extrapolated: recommendedAgents !== null && extrapolated(recommendedAgents),
      siteSplit:
        input.redundancy.kind === 'site' && recommendedAgents !== null
          ? { sites, largestSiteAgents: Math.ceil(recommendedAgents / sites) }
          : null,
    },
    ceiling: {
      servingAgents: ceilingServing,
      bestAgents,
      predictedPerS: ceilingPredicted,
      maxPeakPerS: ceilingPredicted / (1 + input.headroom),
      extrapolated: extrapolated(bestAgents),
    },
    siteLoss:
      input.redundancy.kind === 'site'
        ? siteLoss(input.redundancy.sites, recommendedAgents, x, neededPerS)
        : null,
  };
  // A measured downturn the evidence rules keep coherency from fitting: the curve may peak sooner than shown.
  const downturnUnfitted =
    choice.candidates.some((c) => c.model === 'usl' && !c.eligible) &&
    measuredDownturn(input.knees.map((k) => ({ n: k.agents, x: k.kneePerS })));
  const verdict = planVerdict({ ...plan, downturnUnfitted });
  return { ...plan, verdict, assumptions: assumptions(plan), warnings: warnings({ ...plan, verdict }) };
}

/** Serving agents (smallest N whose X(N) reaches the need), plus redundancy, raised to the minimum. */
function recommend(x: (n: number) => number, input: PlanInput, neededPerS: number) {
  let servingAgents: number | null = null;
  for (let n = 1; n <= SEARCH_LIMIT && servingAgents === null; n++) if (x(n) >= neededPerS) servingAgents = n;
  const sites = input.redundancy.kind === 'site' ? Object.keys(input.redundancy.sites).length : 0;
  let redundancyAgents: number | null = input.redundancy.kind === 'n+k' ? input.redundancy.k : null;
  let total: number | null = null;
  if (servingAgents !== null) {
    if (input.redundancy.kind === 'n+k') {
      total = servingAgents + input.redundancy.k;
    } else {
      // Even spread over S sites: the largest holds ⌈N/S⌉, and N − ⌈N/S⌉ must still serve the need.
      total = servingAgents;
      while (total - Math.ceil(total / sites) < servingAgents) total++;
      redundancyAgents = total - servingAgents;
    }
  }
  const recommendedAgents = total === null ? null : Math.max(input.minAgents, total);
  return { servingAgents, redundancyAgents, total, recommendedAgents };
}

function siteLoss(
  given: Readonly<Record<string, number>>,
  recommended: number | null,
  x: (n: number) => number,
  neededPerS: number,
): Plan['siteLoss'] {
  const names = Object.keys(given);
  const isGiven = Object.values(given).some((n) => n > 0);
  if (!isGiven && recommended === null) return null;
  const agentsPerSite = isGiven ? { ...given } : evenSpread(names, recommended!);
  const entries = Object.entries(agentsPerSite).sort(([a, m], [b, n]) => n - m || a.localeCompare(b));
  const [largestSite, largestSiteAgents] = entries[0]!;
  const totalAgents = entries.reduce((s, [, n]) => s + n, 0);
  const remainingAgents = totalAgents - largestSiteAgents;
  const remainingPredictedPerS = remainingAgents > 0 ? x(remainingAgents) : 0;
  return {
    layout: isGiven ? 'given' : 'recommended',
    agentsPerSite,
    totalAgents,
    largestSite,
    largestSiteAgents,
    remainingAgents,
    remainingPredictedPerS,
    survives: remainingPredictedPerS >= neededPerS,
  };
}

function evenSpread(names: readonly string[], total: number): Record<string, number> {
  const base = Math.floor(total / names.length);
  const extra = total % names.length;
  return Object.fromEntries(names.map((name, i) => [name, base + (i < extra ? 1 : 0)]));
}

function assumptions(p: PlanCore): string[] {
  const { input, fit } = p;
  const r = input.redundancy;
  return [
    `Capacity at the SLO is the knee measured per agent count; throughput grows with agents as the ${MODEL_NAMES[fit.model ?? 'usl']} fitted to those knees says: X(N) = ${num(fit.lambda)}·N / (1 + ${num(fit.sigma)}·(N−1) + ${num(fit.kappa)}·N·(N−1)). ${MODEL_RULE_TEXT}`,
    ...(p.uncertainty
      ? [
          `Intervals are 95 % bootstrap intervals (${p.uncertainty.resamples} seeded resamples). ${p.uncertainty.method}`,
        ]
      : []),
    `Measured agent counts ${fit.measuredN.min}–${fit.measuredN.max}; predictions outside that range are extrapolations.`,
    `Needed throughput = peak ${num(input.peakPerS)}/s × (1 + ${num(input.headroom * 100)} % headroom) = ${num(p.neededPerS)}/s.`,
    r.kind === 'n+k'
      ? `Redundancy N+${r.k}: ${r.k} agent(s) may be down (failure or maintenance) at peak and the rest still carry it.`
      : `Site redundancy over ${Object.keys(r.sites).length} site(s): agents spread evenly, and losing the site with the most agents still leaves enough.`,
    `Never fewer than ${input.minAgents} agents (Microsoft's production minimum); at most ${input.maxAgents} per tenant.`,
    'New agents are like the measured ones (same cores, memory, path to the domain controllers), and Entra ID hands sign-ins to whichever agent is free, so capacity adds up as measured.',
  ];
}

function warnings(p: PlanCore & { readonly verdict?: PlanVerdict }): string[] {
  const out: string[] = [];
  const { fit, recommendation: rec } = p;
  if (fit.measuredN.distinct < 3) {
    out.push(
      `Only ${fit.measuredN.distinct} distinct agent count(s) measured, so contention (σ) and coherency (κ) could not be tested and scaling is assumed linear; measure at least 3 agent counts (4 or more to see a downturn).`,
    );
  }
  if (fit.r2 !== null && fit.r2 < 0.9)
    out.push(`The fit explains the knees poorly (R² = ${num(fit.r2)}); treat predictions with care.`);
  const usl = p.model?.candidates.find((c) => c.model === 'usl');
  if (p.model && p.model.chosen !== 'usl' && usl && !usl.eligible && !/no measured downturn/.test(usl.why)) {
    out.push(
      `A larger agent count measured below a smaller one (a downturn), but coherency cannot be fitted: the USL ${usl.why}. The curve may peak sooner than this plan shows.`,
    );
  }
  if (p.verdict?.kind === 'uncertain') out.push(`Not enough evidence for a verdict: ${p.verdict.text}.`);
  if (rec.servingAgents === null) {
    out.push(
      fit.nStar !== null
        ? `The fit never reaches ${num(p.neededPerS)}/s at any agent count (it peaks at ${num(fit.xAtNStar ?? 0)}/s).`
        : `The fit never reaches ${num(p.neededPerS)}/s at any agent count (it approaches ${num(fit.amdahlLimit ?? 0)}/s).`,
    );
  }
  if (rec.extrapolated) out.push('The recommendation lies outside the measured agent counts (extrapolated).');
  if (rec.recommendedAgents !== null && !rec.fitsUnderMax) {
    out.push(`${rec.recommendedAgents} agents exceed the tenant limit of ${p.input.maxAgents}.`);
  }
  if (p.siteLoss !== null && !p.siteLoss.survives) {
    out.push(
      `Losing site ${p.siteLoss.largestSite} (${p.siteLoss.largestSiteAgents} agents) leaves ${p.siteLoss.remainingAgents}, predicted ${num(p.siteLoss.remainingPredictedPerS)}/s: below the ${num(p.neededPerS)}/s needed.`,
    );
  }
  return out;
}

function validate(input: PlanInput): void {
  if (!(input.peakPerS > 0 && Number.isFinite(input.peakPerS))) {
    throw new UsageError(`--peak must be a positive rate like 2500/s, got ${input.peakPerS}.`);
  }
  if (!(input.headroom >= 0 && Number.isFinite(input.headroom))) {
    throw new UsageError(`--headroom must be 0 % or more, like 25%, got ${input.headroom}.`);
  }
  if (
    !(
      Number.isInteger(input.maxAgents) &&
      Number.isInteger(input.minAgents) &&
      input.minAgents >= 1 &&
      input.minAgents <= input.maxAgents
    )
  ) {
    throw new UsageError(
      `agent limits must be whole numbers with 1 ≤ minimum ≤ maximum, got ${input.minAgents}…${input.maxAgents}.`,
    );
  }
  const r = input.redundancy;
  if (r.kind === 'n+k' && !(Number.isInteger(r.k) && r.k >= 0 && r.k < input.maxAgents)) {
    throw new UsageError(`--redundancy N+k needs a whole k from 0 to ${input.maxAgents - 1}, got ${r.k}.`);
  }
  if (r.kind === 'site') {
    const counts = Object.values(r.sites);
    if (counts.length < 2 || !counts.every((n) => Number.isInteger(n) && n >= 0)) {
      throw new UsageError(
        'site redundancy needs at least 2 sites, each with a whole number of agents (e.g. site:2 or dc1=3,dc2=3).',
      );
    }
  }
  if (input.knees.length === 0) {
    throw new ResultsError(
      'no knee was found in the given results: run an agent sweep (profiles/agent-sweep.yaml) whose step ramp breaks the SLO.',
    );
  }
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, v) => s + v, 0) / xs.length;
}

function num(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}
