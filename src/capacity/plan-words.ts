import { fmtCount, fmtMs, fmtPct, fmtRate, NONE } from '../report/format.js';
import type { Plan } from './plan.js';
import type { PlanDocument } from './plan-document.js';
import { uslThroughput } from './usl-fit.js';

type Base = Omit<PlanDocument, 'arithmetic' | 'summary'>;

/** What the redundancy means, in a few words: "N+1", "the loss of any one of 3 sites". */
export function redundancyWords(plan: Plan): string {
  const r = plan.input.redundancy;
  if (r.kind === 'n+k') return `N+${r.k}`;
  return `the loss of any one of ${Object.keys(r.sites).length} sites`;
}

/**
 * The recommendation as a manager reads it: how many agents, why, how far 40 goes, what a site loss leaves.
 * Every figure is one of plan.json's, rounded for reading.
 */
export function planSummary(doc: Base): string[] {
  const { plan } = doc;
  const { input, recommendation: rec, ceiling, fit } = plan;
  const peak = `${fmtCount(input.peakPerS)} sign-ins/s peak`;
  const withHeadroom =
    input.headroom > 0 ? ` (+${fmtPct(input.headroom)} headroom = ${fmtRate(plan.neededPerS)})` : '';
  const out: string[] = [];
  if (plan.verdict) out.push(`Verdict — ${plan.verdict.text}.`);
  const spare = rec.redundancyAgents ?? 0;
  const ci = plan.uncertainty?.recommendedAgents;
  const interval =
    ci && ci.low !== null && ci.high !== null && ci.low !== ci.high ? `, ${ci.low}–${ci.high} at 95 %` : '';
  if (rec.recommendedAgents !== null && rec.servingAgents !== null) {
    const parts = `${rec.servingAgents} to serve + ${spare} for ${redundancyWords(plan)}`;
    const raised = rec.raisedToMinimum
      ? `, raised to ${rec.recommendedAgents}: Microsoft's minimum for production is ${input.minAgents}`
      : '';
    const split = rec.siteSplit ? `, at most ${rec.siteSplit.largestSiteAgents} per site` : '';
    out.push(
      rec.fitsUnderMax
        ? `At ${peak}${withHeadroom} you need ${rec.recommendedAgents} agents (${parts}${split}${raised})${interval}.`
        : `At ${peak}${withHeadroom} you would need ${rec.recommendedAgents} agents (${parts}): more than the tenant limit of ${input.maxAgents}.`,
    );
  } else {
    const limit =
      fit.nStar === null
        ? `it approaches about ${fmtRate(fit.amdahlLimit)} and never passes it (contention)`
        : `it peaks at about ${fmtRate(fit.xAtNStar)} with ${Math.round(fit.nStar)} agents and falls beyond that`;
    out.push(`No number of agents carries ${peak}${withHeadroom}: by the fitted curve, ${limit}.`);
  }
  const best =
    ceiling.bestAgents < ceiling.servingAgents
      ? ` (the curve peaks at ${ceiling.bestAgents} serving agents)`
      : '';
  out.push(
    `${input.maxAgents} agents could carry about ${fmtRate(ceiling.predictedPerS)} with ${ceiling.servingAgents} serving and the rest spare for ${redundancyWords(plan)}${best}: a peak of up to about ${fmtRate(ceiling.maxPeakPerS)}${input.headroom > 0 ? ` with ${fmtPct(input.headroom)} headroom` : ''}${ceiling.extrapolated ? `, extrapolated from ${fit.measuredN.min}–${fit.measuredN.max} measured agents` : ''}.`,
  );
  if (plan.siteLoss) {
    const s = plan.siteLoss;
    out.push(
      `Losing your largest site (${s.largestSite}, ${s.largestSiteAgents} of ${s.totalAgents} agents${s.layout === 'recommended' ? ' spread evenly' : ''}) leaves ${s.remainingAgents} agents carrying about ${fmtRate(s.remainingPredictedPerS)}: ${s.survives ? 'enough' : 'NOT enough'} for the ${fmtRate(plan.neededPerS)} needed.`,
    );
  }
  const one = plan.perAgentPerS.fromOneAgentKnee;
  const lambdaCi = plan.uncertainty?.perAgentPerS;
  const lambdaRange =
    lambdaCi && lambdaCi.low !== null && lambdaCi.high !== null
      ? ` (95 %: ${fmtRate(lambdaCi.low)}–${fmtRate(lambdaCi.high)})`
      : '';
  out.push(
    `One agent carries about ${fmtRate(one ?? fit.lambda)} within the SLO (p99 ≤ ${fmtMs(doc.rule.sloP99Ms)}, errors ≤ ${fmtPct(doc.rule.maxErrorRate)}): ${one === null ? 'no 1-agent run was measured; ' : `the 1-agent knee measured ${fmtRate(one)}, `}the fit's λ says ${fmtRate(fit.lambda)}${lambdaRange}${doc.configuredPerAgentPerS === null ? '' : ` (the simulator was configured for ${fmtRate(doc.configuredPerAgentPerS)})`}.`,
  );
  return out;
}

/** The recommendation recomputed step by step, so a reader can check it with a calculator. */
export function planArithmetic(doc: Base): string[] {
  const { plan } = doc;
  const { input, recommendation: rec, ceiling, fit } = plan;
  const x = (n: number) => plan.curve[n - 1]?.predictedPerS ?? uslThroughput(fit, n);
  const X = (n: number) => `X(${n}) = ${fmtRate(x(n))}`;
  const out = [
    `needed = peak × (1 + headroom) = ${fmtRate(input.peakPerS)} × ${sig(1 + input.headroom)} = ${fmtRate(plan.neededPerS)}`,
    `X(N) = λ·N / (1 + σ·(N−1) + κ·N·(N−1)) with λ = ${sig(fit.lambda)}/s, σ = ${sig(fit.sigma)}, κ = ${sig(fit.kappa)} (${fit.model ?? 'usl'} model${modelWhy(plan)})`,
  ];
  const n = rec.servingAgents;
  if (n === null) {
    out.push(`serving: no N up to 1000 has X(N) ≥ ${fmtRate(plan.neededPerS)}`);
  } else {
    out.push(
      n === 1
        ? `serving: ${X(1)} ≥ ${fmtRate(plan.neededPerS)} → 1 agent`
        : `serving: smallest N with X(N) ≥ ${fmtRate(plan.neededPerS)}: ${X(n - 1)} < ${fmtRate(plan.neededPerS)} ≤ ${X(n)} → ${n}`,
    );
    const r = input.redundancy;
    const total = n + (rec.redundancyAgents ?? 0);
    out.push(
      r.kind === 'n+k'
        ? `redundancy N+${r.k}: ${n} + ${r.k} = ${total}`
        : `redundancy over ${Object.keys(r.sites).length} sites spread evenly: the largest site holds ⌈T/${Object.keys(r.sites).length}⌉ and T − ⌈T/${Object.keys(r.sites).length}⌉ must be ≥ ${n} → T = ${total} (${rec.redundancyAgents} for redundancy)`,
    );
    out.push(`minimum: max(${input.minAgents}, ${total}) = ${rec.recommendedAgents}`);
    out.push(
      `limit: ${rec.recommendedAgents} ${rec.fitsUnderMax ? '≤' : '>'} ${input.maxAgents} → ${rec.fitsUnderMax ? 'fits' : 'does not fit'} under the tenant limit`,
    );
  }
  out.push(
    `ceiling: ${input.maxAgents} agents − ${input.maxAgents - ceiling.servingAgents} spare = ${ceiling.servingAgents} serving; best X(N) for N ≤ ${ceiling.servingAgents} is ${X(ceiling.bestAgents)}; ÷ ${sig(1 + input.headroom)} = ${fmtRate(ceiling.maxPeakPerS)} peak`,
  );
  if (plan.siteLoss) {
    const s = plan.siteLoss;
    out.push(
      `site loss: ${s.totalAgents} − ${s.largestSiteAgents} (${s.largestSite}) = ${s.remainingAgents} agents; ${s.remainingAgents > 0 ? X(s.remainingAgents) : 'nothing left'} ${s.survives ? '≥' : '<'} ${fmtRate(plan.neededPerS)}`,
    );
  }
  return out;
}

/** Why the chosen model: its AICc lead, or that nothing else qualified. */
function modelWhy(plan: Plan): string {
  const m = plan.model;
  if (!m) return '';
  const others = m.candidates.filter((c) => c.model !== m.chosen);
  const scored = others.filter((c) => c.deltaAicc !== null);
  if (scored.length === 0) return ': the only candidate the evidence allows';
  return `: lowest AICc, ${scored.map((c) => `${c.model} +${sig(c.deltaAicc!)}`).join(', ')}`;
}

/** "+17 %" above the knee: how far the steps tried leave capacity open. */
export function kneeErrorText(c: PlanDocument['counts'][number]): string {
  const e = c.knee.errorShare;
  if (c.status === 'lower-bound') return 'lower bound';
  return e === null || e === undefined ? NONE : `+${fmtPct(e)}`;
}

/** Four significant figures, trailing zeros dropped: coefficients and ratios. */
export function sig(v: number): string {
  return String(Number(v.toPrecision(4)));
}

/** The folder (its last part) a count's i-th judged step was played in; null when the count has one run only. */
export function stepRunName(c: PlanDocument['counts'][number], i: number): string | null {
  if (c.runs.length < 2 || !c.stepRuns) return null;
  const dir = c.runs[c.stepRuns[i] ?? -1];
  return dir === undefined ? null : (dir.split(/[\\/]/).pop() ?? dir);
}

/**
 * The steps worth a row in the evidence tables, with their index in knee.steps: a "step" of one interval is a
 * ramp's (or a lead-in's) interval at its own rate, never judged, so it is counted in a line instead of listed.
 */
export function evidenceSteps(c: PlanDocument['counts'][number]): {
  readonly shown: readonly {
    readonly step: PlanDocument['counts'][number]['knee']['steps'][number];
    readonly i: number;
  }[];
  readonly rampIntervals: number;
} {
  const all = c.knee.steps.map((step, i) => ({ step, i }));
  const shown = all.filter(({ step }) => !(step.verdict === 'too-short' && step.intervals === 1));
  return { shown, rampIntervals: all.length - shown.length };
}

export function rampIntervalsText(n: number): string {
  return n === 0
    ? ''
    : `${n} interval(s) of ramps and lead-ins, each at its own rate, are not steps and are not listed.`;
}
