import { GENERATOR_LIMITED_TEXT } from '../analysis/generator-health.js';
import { UsageError } from '../errors.js';
import { fmtCount, fmtDuration, fmtMs } from '../report/format.js';
import { openResults } from '../results/reader.js';
import { attributedPairs } from './compare-attributed.js';
import { describeMatch, matchAgents, pairLabel } from './compare-match.js';
import { profileDifferences } from './compare-profiles.js';
import { type RunSamples, readRunSamples } from './compare-samples.js';
import {
  type CompareRules,
  type Comparison,
  DEFAULT_RULES,
  type RunRef,
  type ScopeComparison,
  type ScopeSide,
} from './compare-types.js';
import { compareScope, MIN_UNIT_REPLIES, MIN_UNITS, type ScopeInput } from './compare-verdict.js';

/** More late starts than this share of sign-ins means the harness itself was short of CPU. */
const LATE_SHARE = 0.01;

export interface CompareRequest {
  readonly baselineDir: string;
  readonly candidateDir: string;
  readonly rules?: Partial<CompareRules>;
  /** Judge only this agent (a name in either run). */
  readonly agent?: string;
  /** Compare runs of different profiles or load schedules anyway. */
  readonly force?: boolean;
}

/**
 * Compares two results folders: tenant-wide and per matched agent, each figure with a bootstrap confidence
 * interval and a verdict. Throws ResultsError for a folder that is not a results folder, UsageError for runs
 * that should not be compared (unless forced) or an --agent that neither run has.
 */
export async function compareRuns(req: CompareRequest): Promise<Comparison> {
  const rules: CompareRules = { ...DEFAULT_RULES, ...req.rules };
  const [openedB, openedC] = await Promise.all([openResults(req.baselineDir), openResults(req.candidateDir)]);
  const differences = profileDifferences(openedB.run, openedC.run);
  const blocking = differences.filter((d) => d.blocking);
  if (blocking.length > 0 && !req.force) {
    throw new UsageError(
      `${req.baselineDir} and ${req.candidateDir} are runs of different tests: ${blocking.map((d) => d.text).join('; ')}. ` +
        'A comparison only means something for the same profile under the same load; rerun the candidate with the ' +
        "baseline's profile, or pass --force to compare them anyway.",
    );
  }
  const warnings: string[] = blocking.map((d) => `Compared despite different tests (--force): ${d.text}.`);
  const endB = openedB.records.at(-1)?.endMs ?? 0;
  const endC = openedC.records.at(-1)?.endMs ?? 0;
  const incomplete = [openedB, openedC].filter((o) => o.run.status !== 'completed');
  // A run that stopped early is compared with the same stretch of the other: same schedule, same phases.
  const untilMs = incomplete.length > 0 ? Math.min(endB, endC) : Number.POSITIVE_INFINITY;
  const [b, c] = await Promise.all([readRunSamples(openedB, untilMs), readRunSamples(openedC, untilMs)]);
  for (const [side, o] of [
    ['baseline', openedB],
    ['candidate', openedC],
  ] as const) {
    if (o.run.status === 'completed') continue;
    const what =
      o.run.status === 'running' ? 'stopped without finishing (killed or crashed)' : `was ${o.run.status}`;
    warnings.push(
      `The ${side} run ${what} after ${fmtDuration((o === openedB ? endB : endC) / 1000)}; both runs are compared over their first ${fmtDuration(untilMs / 1000)} only.`,
    );
  }
  const attributed = await attributedPairs(req.baselineDir, req.candidateDir);
  const comparison = compareSamples(b, c, {
    baselineDir: req.baselineDir,
    candidateDir: req.candidateDir,
    rules,
    ...(req.agent === undefined ? {} : { agent: req.agent }),
    warnings,
    notes: differences.filter((d) => !d.blocking).map((d) => d.text),
  });
  return attributed.length > 0 ? { ...comparison, attributed } : comparison;
}

export interface SamplesContext {
  readonly baselineDir: string;
  readonly candidateDir: string;
  readonly rules: CompareRules;
  readonly agent?: string;
  readonly warnings?: readonly string[];
  readonly notes?: readonly string[];
}

/** The comparison of two runs already read (or parts of runs, see selectSlots). Pure. */
export function compareSamples(b: RunSamples, c: RunSamples, ctx: SamplesContext): Comparison {
  const { rules, agent } = ctx;
  const warnings = [...(ctx.warnings ?? [])];
  const matching = matchAgents(sides(b), sides(c));
  if (agent !== undefined) {
    const known = matching.pairs.some((p) => p.baseline.name === agent || p.candidate.name === agent);
    if (!known) {
      const names = matching.pairs.map(pairLabel).join(', ') || 'none';
      throw new UsageError(
        `--agent ${agent}: no agent of that name served replies in both runs (agents in both: ${names}). Give one of those names.`,
      );
    }
  }
  const tenantJudged = agent === undefined;
  const tenant = scopeResult(
    'tenant',
    'tenant',
    side(b, 'tenant'),
    side(c, 'tenant'),
    tenantJudged,
    compareScope(tenantInput(b), tenantInput(c), rules, {
      kind: 'tenant',
      judged: tenantJudged,
      key: 'tenant',
    }),
  );
  const agents = matching.pairs.map((pair) => {
    const judged = agent === undefined || agent === pair.baseline.name || agent === pair.candidate.name;
    const label = pairLabel(pair);
    const metrics = compareScope(
      agentInput(b, pair.baseline.name),
      agentInput(c, pair.candidate.name),
      rules,
      {
        kind: 'agent',
        judged,
        key: `agent:${label}`,
      },
    );
    return {
      ...scopeResult(pair.baseline.name, label, pair.baseline, pair.candidate, judged, metrics),
      matchedBy: pair.matchedBy,
    };
  });
  const fewest = Math.min(b.durationS.length, c.durationS.length);
  if (fewest < MIN_UNITS) {
    warnings.push(
      `Too short to judge: ${fewest} intervals in the shorter run, and at least ${MIN_UNITS} are needed to tell a change from noise. Run longer or with a shorter load.interval.`,
    );
  }

  for (const [name, s] of [
    ['baseline', b],
    ['candidate', c],
  ] as const) {
    const { lateStarts, maxSlipMs } = s.summary.schedule;
    const sent = s.summary.requests.sent;
    const generator = s.summary.generator;
    if (generator?.limited) {
      warnings.push(
        `The ${name} run is generator-limited (${generator.breaches.join('; ')}): ${GENERATOR_LIMITED_TEXT}, so a difference between the runs may be the generator's. ${generator.advice?.replace(/^[^:]*: /, '') ?? ''}`,
      );
    } else if (sent > 0 && lateStarts > LATE_SHARE * sent) {
      warnings.push(
        `The load generator fell behind its schedule in the ${name} run (${fmtCount(lateStarts)} of ${fmtCount(sent)} sign-ins started late, worst by ${fmtMs(maxSlipMs)}): the test machine was busy, and its delays count as latency. Compare runs made on a quiet machine before trusting a latency verdict.`,
      );
    }
  }

  const notes: string[] = [...(ctx.notes ?? [])];
  for (const pair of matching.pairs) {
    if (pair.matchedBy !== 'name') notes.push(`${pairLabel(pair)}: ${describeMatch(pair)}.`);
    if (pair.baseline.version !== pair.candidate.version) {
      notes.push(
        `${pairLabel(pair)}: version ${pair.baseline.version ?? '?'} → ${pair.candidate.version ?? '?'}.`,
      );
    }
  }
  if (matching.unmatched.baseline.length > 0)
    notes.push(`Only in the baseline (not compared): ${matching.unmatched.baseline.join(', ')}.`);
  if (matching.unmatched.candidate.length > 0)
    notes.push(`Only in the candidate (not compared): ${matching.unmatched.candidate.join(', ')}.`);
  for (const n of b.summary.notes) notes.push(`Baseline: ${n}`);
  for (const n of c.summary.notes) notes.push(`Candidate: ${n}`);

  const regression = [tenant, ...agents].some((s) => s.regression);
  return {
    compareVersion: 1,
    baseline: runRef(ctx.baselineDir, b),
    candidate: runRef(ctx.candidateDir, c),
    rules,
    method: methodText(rules),
    agent: agent ?? null,
    regression,
    headline: headline(tenant, agents, regression),
    tenant,
    agents,
    unmatched: matching.unmatched,
    warnings,
    notes,
  };
}

function scopeResult(
  scope: string,
  label: string,
  baseline: ScopeSide,
  candidate: ScopeSide,
  judged: boolean,
  metrics: ScopeComparison['metrics'],
): ScopeComparison {
  const kind = scope === 'tenant' && label === 'tenant' ? 'tenant' : 'agent';
  const regression = judged && metrics.some((m) => m.status === 'regression');
  return { scope, label, kind, baseline, candidate, judged, regression, metrics };
}

function tenantInput(s: RunSamples): ScopeInput {
  return { slots: s.tenant, rateCounts: s.completed, ...slotFacts(s) };
}

function agentInput(s: RunSamples, name: string): ScopeInput {
  const slots = s.agents.get(name)!;
  return { slots, rateCounts: slots.replies, ...slotFacts(s) };
}

function slotFacts(s: RunSamples) {
  return { phases: s.phases, durationS: s.durationS, slotS: (s.run.intervalMs / 1000) * s.intervalsPerSlot };
}

function sides(s: RunSamples): ScopeSide[] {
  return s.agentOrder.map((name) => side(s, name));
}

function side(s: RunSamples, name: string): ScopeSide {
  if (name === 'tenant') return { name, version: null, site: null, replies: s.tenant.total };
  const info = s.summary.agents[name];
  return {
    name,
    version: info?.version ?? null,
    site: info?.site ?? null,
    replies: s.agents.get(name)!.total,
  };
}

function runRef(dir: string, s: RunSamples): RunRef {
  return {
    dir,
    runId: s.run.runId,
    profile: s.run.profile.name,
    status: s.run.status,
    startedAt: s.run.startedAt,
    toolVersion: s.run.tool.version,
    durationS: s.summary.durationS,
    intervalS: s.run.intervalMs / 1000,
    comparedS: s.comparedS,
    intervalsCompared: s.intervals,
    intervalsPerSlot: s.intervalsPerSlot,
    replies: s.tenant.total,
  };
}

function headline(tenant: ScopeComparison, agents: readonly ScopeComparison[], regression: boolean): string {
  const tenantText = !tenant.judged
    ? 'tenant-wide: not judged (--agent)'
    : tenant.regression
      ? 'tenant-wide: regression'
      : 'tenant-wide: no regression';
  if (!regression) {
    const judgedAgents = agents.filter((a) => a.judged).length;
    return `No regression (${tenantText.replace('tenant-wide: ', 'tenant-wide ')}; ${judgedAgents} agent${judgedAgents === 1 ? '' : 's'} judged, none regressed).`;
  }
  const found = [tenant, ...agents]
    .filter((s) => s.regression)
    .flatMap((s) => s.metrics.filter((m) => m.status === 'regression').map((m) => `${s.label}: ${m.rule}`));
  const shown = found.slice(0, 3).join('; ');
  const more = found.length > 3 ? `; and ${found.length - 3} more` : '';
  return `REGRESSION: ${shown}${more}. ${tenantText[0]!.toUpperCase()}${tenantText.slice(1)}.`;
}

/** The statistical rule in words, for the JSON, compare.md and the console. */
function methodText(rules: CompareRules): string {
  const conf = `${Math.round(rules.confidence * 1000) / 10} %`;
  return (
    `A change is a regression only when the whole ${conf} confidence interval of the change lies past the allowed margin: ` +
    'p50 and p99 may rise by their margin, tenant-wide throughput may fall by its margin, and error rates (in total and by class) ' +
    'may rise by their margin in percentage points. Percentiles are judged on their typical value: the median, over units of ' +
    "time, of each unit's own percentile, where a unit is one measurement interval, or as many consecutive ones as it takes to " +
    `hold ${MIN_UNIT_REPLIES} replies (100 for p99). The intervals come from a moving-block bootstrap: each run's units (for ` +
    'throughput and error rates, its intervals) are resampled within each phase in runs of about n^(1/3) neighbours, because ' +
    `neighbouring seconds move together (a stall, a queue draining); ${rules.replicates} resamples, seed ${rules.seed}. ` +
    `A figure needs at least ${MIN_UNITS} units in both runs to be judged. A change past the margin whose interval reaches ` +
    'back inside it is reported as within noise, not as a regression.'
  );
}
