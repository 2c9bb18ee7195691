import { GENERATOR_LIMITED_TEXT } from '../analysis/generator-health.js';
import { ResultsError } from '../errors.js';
import { MAX_AGENTS } from '../profile/cross-check.js';
import { findKnee, type KneePoint, type KneeRule, kneeRule } from './knee.js';
import { planCapacity } from './plan.js';
import type { CountKnee, KneeStatus, PlanDocument, PlanRequest } from './plan-document.js';
import type { PlanInputs, PlanSource } from './plan-inputs.js';
import { planArithmetic, planSummary } from './plan-words.js';

/** Microsoft's minimum for production: never recommend fewer. */
const MIN_PRODUCTION_AGENTS = 3;

/** Knees per agent count, a USL fit over them and the recommendation. Pure: the time and tool version are given. */
export function buildPlan(
  inputs: PlanInputs,
  request: PlanRequest,
  made: { readonly at: Date; readonly version: string },
): PlanDocument {
  const { rule, source } = resolveRule(inputs, request);
  const counts = inputs.counts.map((c) => countKnee(c.agents, c.sources, c.points, c.runStarts, rule));
  const used = counts.filter((c) => c.usedInFit);
  if (used.length === 0) {
    throw new ResultsError(
      `no agent count gave a knee, so there is nothing to plan from: ${counts.map((c) => `${c.agents} agent(s): ${c.why}`).join('; ')}. ` +
        'Run the sweep with a step ramp that starts below one agent’s capacity and climbs past it (profiles/agent-sweep.yaml), or loosen --slo / --max-error-rate if they are stricter than you need.',
    );
  }
  const plan = planCapacity({
    knees: used.map((c) => ({
      agents: c.agents,
      kneePerS: c.kneePerS!,
      samples: c.knee.kneeSamples ?? [],
      // A lower bound has nothing above it: the bootstrap keeps it at the knee (the plan errs towards more agents).
      upperPerS: c.status === 'found' || c.status === 'stopped' ? (c.knee.upperPerS ?? null) : null,
    })),
    peakPerS: request.peakPerS,
    headroom: request.headroom,
    redundancy: request.redundancy,
    maxAgents: MAX_AGENTS,
    minAgents: MIN_PRODUCTION_AGENTS,
  });
  const configured = new Set(inputs.counts.flatMap((c) => c.sources.map((s) => s.configuredPerAgentPerS)));
  const configuredPerAgentPerS = configured.size === 1 ? ([...configured][0] ?? null) : null;
  const fullRequest = { ...request, maxAgents: MAX_AGENTS, minAgents: MIN_PRODUCTION_AGENTS };
  const kneeText = counts[0]?.knee.rule ?? '';
  const base = {
    planVersion: 1 as const,
    createdAt: made.at.toISOString(),
    tool: { name: 'ptaload' as const, version: made.version },
    request: fullRequest,
    rule: { ...rule, source, text: kneeText },
    sources: inputs.counts.flatMap((c) => c.sources),
    counts,
    configuredPerAgentPerS,
    plan,
    notes: inputs.notes,
    warnings: [
      ...inputs.counts.flatMap((c) =>
        c.sources
          .filter((s) => (s.generatorBreaches ?? []).length > 0)
          .map(
            (s) =>
              `${c.agents} agent(s), ${s.dir}: generator-limited (${s.generatorBreaches!.join('; ')}): ${GENERATOR_LIMITED_TEXT}, so this knee may be the generator's and the plan asks for too many agents. Rerun this count with a lower rate, more workers or shards.`,
          ),
      ),
      ...counts
        .filter((c) => c.status === 'lower-bound')
        .map(
          (c) =>
            `${c.agents} agent(s): the ramp ended at ${Math.round(c.kneeTargetPerS ?? 0)}/s without breaking the SLO, so its knee is only a lower bound (the plan errs towards more agents); raise the ramp's \`until\`.`,
        ),
      ...counts
        .filter((c) => c.status === 'none')
        .map((c) => `${c.agents} agent(s): ${c.why}; left out of the fit.`),
      ...plan.warnings,
    ],
  };
  return { ...base, arithmetic: planArithmetic(base), summary: planSummary(base) };
}

/**
 * The peak can be carried under the tenant limit across the whole 95 % interval, and a given site layout survives
 * losing its largest site. Plans written before the verdict existed are judged on the point recommendation.
 */
export function planFits(doc: Pick<PlanDocument, 'plan'>): boolean {
  const rec = doc.plan.recommendation;
  if (doc.plan.verdict) return doc.plan.verdict.kind === 'fits';
  return rec.recommendedAgents !== null && rec.fitsUnderMax && (doc.plan.siteLoss?.survives ?? true);
}

/** The SLO and error limit: the flags, else the sweeps' stop limits when they all agree, else p99 < 1 s and 1 %. */
function resolveRule(
  inputs: PlanInputs,
  request: Pick<PlanRequest, 'sloP99Ms' | 'maxErrorRate'>,
): { rule: Required<KneeRule>; source: PlanDocument['rule']['source'] } {
  const stops = inputs.counts.flatMap((c) => c.sources.map((s) => s.stopWhen));
  const agreed = (pick: (s: NonNullable<PlanSource['stopWhen']>) => number | undefined) => {
    const values = new Set(stops.map((s) => (s === null ? undefined : pick(s))));
    const [only] = values;
    return values.size === 1 ? only : undefined;
  };
  const sweepSlo = agreed((s) => s.p99Ms);
  const sweepErrors = agreed((s) => s.errorRate);
  return {
    rule: kneeRule(request.sloP99Ms ?? sweepSlo, request.maxErrorRate ?? sweepErrors),
    source: {
      sloP99Ms: request.sloP99Ms !== undefined ? 'flag' : sweepSlo !== undefined ? 'sweep' : 'default',
      maxErrorRate:
        request.maxErrorRate !== undefined ? 'flag' : sweepErrors !== undefined ? 'sweep' : 'default',
    },
  };
}

function countKnee(
  agents: number,
  sources: readonly PlanSource[],
  points: readonly KneePoint[],
  runStarts: readonly number[],
  rule: Required<KneeRule>,
): CountKnee {
  const knee = findKnee(points, rule);
  const stoppedAtPlanLimits = sources.some(
    (s) =>
      s.stoppedEarly &&
      s.stopWhen !== null &&
      (s.stopWhen.p99Ms ?? Number.POSITIVE_INFINITY) >= rule.sloP99Ms &&
      (s.stopWhen.errorRate ?? Number.POSITIVE_INFINITY) >= rule.maxErrorRate,
  );
  const status: KneeStatus =
    knee.status === 'found'
      ? 'found'
      : knee.status === 'not-reached'
        ? stoppedAtPlanLimits
          ? 'stopped'
          : 'lower-bound'
        : 'none';
  const target = (v: number | null) => `${Math.round(v ?? 0)}/s`;
  const why = {
    found: `the step at ${target(knee.failedStep?.targetPerS ?? null)} failed: ${knee.failedStep?.reasons.join('; ') ?? ''}`,
    stopped: `the sweep stopped the ramp during the step after ${target(knee.kneeTargetPerS)} (its p99 or errors broke the limits) before that step could be judged`,
    'lower-bound': `no step failed up to ${target(knee.kneeTargetPerS)}, the end of the ramp`,
    none:
      knee.status === 'first-step-failed'
        ? `even the lowest judged step (${target(knee.failedStep?.targetPerS ?? null)}) failed: ${knee.failedStep?.reasons.join('; ') ?? ''}; start the ramp lower`
        : `no step had the ${rule.minJudged + 1} or more intervals needed to judge it; make steps longer than ${rule.minJudged} intervals`,
  }[status];
  return {
    agents,
    runs: sources.map((s) => s.dir),
    status,
    kneePerS: knee.kneePerS,
    kneeTargetPerS: knee.kneeTargetPerS,
    perAgentPerS: knee.kneePerS === null ? null : knee.kneePerS / agents,
    usedInFit: status !== 'none' && knee.kneePerS !== null && knee.kneePerS > 0,
    why,
    knee,
    points,
    stepRuns: knee.steps.map((step) => runStarts.findLastIndex((start) => start <= step.firstPoint)),
  };
}
