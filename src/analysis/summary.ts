import { decodeHistogram } from '../metrics/histogram.js';
import {
  type IntervalStats,
  intervalStats,
  mergeInterval,
  type OutcomeCounts,
  round3,
  serviceHistograms,
  zeroOutcomes,
} from '../metrics/interval-stats.js';
import {
  type Histogram,
  latencyStatsMs,
  newHistogram,
  percentileCurveMs,
  percentileMs,
} from '../metrics/latency.js';
import { naturalSort } from '../metrics/natural-order.js';
import type { SeriesTag } from '../metrics/types.js';
import { ERROR_OUTCOMES, OUTCOMES } from '../outcome.js';
import type { Threshold } from '../profile/schema.js';
import type { ResultsInterval } from '../results/reader.js';
import { RESULTS_FILES, type RunInfo } from '../results/run-info.js';
import { FAILOVER_RULE_TEXT, failoverFigures } from './failover.js';
import { DEFAULT_GENERATOR_LIMITS, GENERATOR_LIMITED_TEXT, judgeGenerator } from './generator-health.js';
import type { AgentSummary, Analysis, PhaseSummary, Summary } from './summary-types.js';
import { evaluateThresholds, type ScopeFigures } from './thresholds-eval.js';

export type { AgentSummary, Analysis, Summary } from './summary-types.js';

interface PhaseAcc {
  readonly name: string;
  readonly startS: number;
  endS: number;
  planned: number;
  completed: number;
  errors: number;
  readonly latency: Histogram;
}

/**
 * Folds a run's intervals, one at a time, into the summary, the time series and the percentile curves.
 * Keeps one run-long histogram per agent (plus tenant-wide), never the intervals' histograms, so an
 * hour-long run is analysed in flat memory.
 */
export class RunAnalyser {
  private readonly series: IntervalStats[] = [];
  private readonly tenant = newHistogram(64);
  private readonly success = newHistogram(64);
  private readonly agents = new Map<string, Histogram>();
  private readonly phases: PhaseAcc[] = [];
  private readonly codes: Record<string, number> = {};
  private clamped = 0;
  private histogramReplies = 0;
  private readonly slip = newHistogram(64);
  private slipRecorded = false;
  private readonly service = newHistogram(64);
  private readonly serviceAgents = new Map<string, Histogram>();
  private serviceRecorded = false;

  constructor(private readonly run: RunInfo) {}

  add(record: ResultsInterval['record'], histograms: ReadonlyMap<SeriesTag, Histogram>): IntervalStats {
    const merged = mergeInterval(histograms);
    const stats = intervalStats(record, histograms, merged, this.run.intervalMs);
    if (record.slip !== undefined) {
      this.slip.add(decodeHistogram(record.slip));
      this.slipRecorded = true;
    }
    const service = serviceHistograms(record);
    if (service) {
      this.serviceRecorded = true;
      this.service.add(service.tenant);
      for (const [name, h] of service.agents) {
        const into = this.serviceAgents.get(name) ?? newHistogram(64);
        into.add(h);
        this.serviceAgents.set(name, into);
      }
    }
    this.series.push(stats);
    this.tenant.add(merged.tenant);
    this.success.add(merged.success);
    for (const [name, h] of merged.agents) {
      const into = this.agents.get(name) ?? newHistogram(64);
      into.add(h);
      this.agents.set(name, into);
    }
    for (const [code, n] of Object.entries(record.codes)) this.codes[code] = (this.codes[code] ?? 0) + n;
    this.clamped += record.clamped ?? 0;
    this.histogramReplies += merged.tenant.totalCount;
    this.addToPhase(stats, merged.tenant);
    return stats;
  }

  private addToPhase(s: IntervalStats, latency: Histogram): void {
    let phase = this.phases[this.phases.length - 1];
    if (phase?.name !== s.phase) {
      phase = {
        name: s.phase,
        startS: s.startS,
        endS: s.endS,
        planned: 0,
        completed: 0,
        errors: 0,
        latency: newHistogram(64),
      };
      this.phases.push(phase);
    }
    phase.endS = s.endS;
    phase.planned += s.targetRate * (s.endS - s.startS);
    phase.completed += s.completed;
    phase.errors += ERROR_OUTCOMES.reduce((n, o) => n + s.byOutcome[o], 0);
    phase.latency.add(latency);
  }

  finish(thresholds: readonly Threshold[] = [], readNotes: readonly string[] = []): Analysis {
    const run = this.run;
    const series = this.series;
    const first = series[0];
    const last = series[series.length - 1];
    const durationS = first && last ? last.endS - first.startS : 0;
    const per = (n: number): number => (durationS > 0 ? round3(n / durationS) : 0);
    const byOutcome = zeroOutcomes();
    let sent = 0;
    let completed = 0;
    let lateStarts = 0;
    let maxSlipMs = 0;
    let planned = 0;
    let scheduled = 0;
    let scheduleKnown = series.length > 0;
    let peak: IntervalStats | undefined;
    for (const s of series) {
      if (s.scheduled === null) scheduleKnown = false;
      else scheduled += s.scheduled;
      for (const o of OUTCOMES) byOutcome[o] += s.byOutcome[o];
      sent += s.sent;
      completed += s.completed;
      lateStarts += s.lateStarts;
      maxSlipMs = Math.max(maxSlipMs, s.maxSlipMs);
      planned += s.targetRate * (s.endS - s.startS);
      // A partial interval (the run's last few ms) is no evidence of a peak rate.
      if (s.weight >= 0.999 && (!peak || s.achievedRate > peak.achievedRate)) peak = s;
    }
    const replies = OUTCOMES.reduce((n, o) => n + byOutcome[o], 0);
    const errors = ERROR_OUTCOMES.reduce((n, o) => n + byOutcome[o], 0);
    const agentOutcomes = this.agentOutcomes();
    const attributed = [...agentOutcomes.values()].reduce((n, c) => n + total(c), 0);
    const targetPerS = per(planned);
    const achievedPerS = per(completed);
    // Judged against what the seeded schedule drew (a Poisson run draws more or fewer than its mean rate says).
    const achievedShare = scheduleKnown
      ? scheduled > 0
        ? round3(completed / scheduled)
        : null
      : targetPerS > 0
        ? round3(achievedPerS / targetPerS)
        : null;
    const generator = judgeGenerator(
      series,
      this.slipRecorded && this.slip.totalCount > 0 ? this.slip.getValueAtPercentile(99) / 1000 : null,
      { ...DEFAULT_GENERATOR_LIMITS, ...run.generatorLimits },
    );

    const figures = {
      tenant: scopeFigures(this.tenant, byOutcome),
      agents: new Map([...this.agents].map(([name, h]) => [name, scopeFigures(h, agentOutcomes.get(name)!)])),
      throughput: scheduleKnown
        ? scheduled > 0
          ? completed / scheduled
          : null
        : targetPerS > 0
          ? achievedPerS / targetPerS
          : null,
    };
    const judged = evaluateThresholds(thresholds, figures);
    // A generator that could not keep its schedule measured itself: no threshold can pass on its figures.
    const verdicts = generator.limited
      ? judged.map((v) => ({ ...v, ok: false, reason: `generator-limited: ${GENERATOR_LIMITED_TEXT}` }))
      : judged;
    const names = naturalSort(this.agents.keys());
    const agents: Record<string, AgentSummary> = {};
    for (const name of names) agents[name] = this.agentSummary(name, agentOutcomes.get(name)!, attributed);

    const summary: Summary = {
      summaryVersion: 1,
      runId: run.runId,
      profile: run.profile.name,
      tool: run.tool,
      target: run.target,
      status: run.status,
      startedAt: run.startedAt,
      endedAt: run.endedAt ?? null,
      durationS: round3(durationS),
      intervalS: run.intervalMs / 1000,
      intervals: series.length,
      requests: {
        sent,
        completed,
        inFlightAtEnd: last?.inFlight ?? 0,
        unattributed: replies - attributed,
        byOutcome,
        errors,
        errorRate: replies > 0 ? errors / replies : null,
      },
      codes: sortedCodes(this.codes),
      throughput: {
        targetPerS,
        sentPerS: per(sent),
        achievedPerS,
        successPerS: per(byOutcome.success),
        achievedShare,
        scheduled: scheduleKnown ? scheduled : null,
        scheduledPerS: scheduleKnown ? per(scheduled) : null,
        sentOfScheduled: scheduleKnown && scheduled > 0 ? round3(sent / scheduled) : null,
        achievedOfScheduled: scheduleKnown && scheduled > 0 ? round3(completed / scheduled) : null,
        peakIntervalPerS: peak?.achievedRate ?? 0,
        peakIntervalAtS: peak ? peak.startS : null,
      },
      latencyMs: {
        tenant: latencyStatsMs(this.tenant),
        tenantSuccess: latencyStatsMs(this.success),
        agents: Object.fromEntries(names.map((n) => [n, latencyStatsMs(this.agents.get(n))])),
        ...(this.serviceRecorded
          ? {
              service: {
                tenant: latencyStatsMs(this.service),
                agents: Object.fromEntries(
                  [...this.serviceAgents.keys()]
                    .sort()
                    .map((n) => [n, latencyStatsMs(this.serviceAgents.get(n))]),
                ),
              },
            }
          : {}),
      },
      agents,
      phases: this.phases.map(phaseSummary),
      schedule: {
        lateStarts,
        maxSlipMs,
        clamped: this.clamped,
        ...(this.slipRecorded ? { slipP99Ms: generator.figures.slipP99Ms } : {}),
      },
      generator,
      thresholds: verdicts,
      // A merge that lacks shards measured part of the load: it cannot pass.
      passed: verdicts.every((v) => v.ok) && (run.merged?.missing.length ?? 0) === 0,
      events: failoverFigures(run, series),
      failoverRules: FAILOVER_RULE_TEXT,
      notes: [
        ...(generator.limited
          ? [`Generator-limited: ${generator.breaches.join('; ')}. ${generator.advice}`]
          : []),
        ...statusNotes(run, durationS),
        ...run.notes,
        ...readNotes,
        ...this.consistencyNotes(completed),
      ],
    };
    return {
      summary,
      series,
      curves: {
        tenant: percentileCurveMs(this.tenant),
        agents: Object.fromEntries(names.map((n) => [n, percentileCurveMs(this.agents.get(n)!)])),
      },
    };
  }

  private agentOutcomes(): Map<string, OutcomeCounts> {
    const out = new Map<string, OutcomeCounts>();
    for (const s of this.series) {
      for (const [name, a] of Object.entries(s.agents)) {
        const counts = out.get(name) ?? zeroOutcomes();
        for (const o of OUTCOMES) counts[o] += a.byOutcome[o];
        out.set(name, counts);
      }
    }
    return out;
  }

  private agentSummary(name: string, byOutcome: OutcomeCounts, attributed: number): AgentSummary {
    const seen = this.series.filter((s) => (s.agents[name]?.count ?? 0) > 0);
    const info = this.run.agents.find((a) => a.name === name);
    const added = this.run.timeline.find((r) => r.action === 'add' && r.agent === name);
    const requests = total(byOutcome);
    return {
      requests,
      share: attributed > 0 ? round3(requests / attributed) : 0,
      byOutcome,
      version: info?.version ?? added?.detail?.version ?? null,
      site: info?.site ?? added?.site ?? null,
      firstSeenS: seen[0]?.startS ?? 0,
      lastSeenS: seen[seen.length - 1]?.endS ?? 0,
    };
  }

  private consistencyNotes(completed: number): string[] {
    const notes: string[] = [];
    if (this.series.length === 0) {
      // A run killed before its first interval ended: the zeros below are no measurement, and say so.
      notes.push(
        `No interval was recorded (${RESULTS_FILES.intervals} is empty): the run stopped before its first interval ended, so there are no figures; the zero counts are not a measurement. Rerun the test.`,
      );
    }
    let missing = 0;
    this.series.forEach((s, i) => {
      const gap = i === 0 ? s.index : s.index - this.series[i - 1]!.index - 1;
      missing += Math.max(gap, 0);
    });
    if (missing > 0) notes.push(`${missing} interval(s) missing from the record; rates exclude them.`);
    if (completed !== this.histogramReplies) {
      notes.push(
        `The reply counters say ${completed} replies but the histograms hold ${this.histogramReplies}; latency figures cover the histograms.`,
      );
    }
    return notes;
  }
}

function statusNotes(run: RunInfo, durationS: number): string[] {
  const at = `${round3(durationS)} s`;
  switch (run.status) {
    case 'interrupted':
      return [`Interrupted at ${at}; figures cover the intervals recorded until then.`];
    case 'running':
      return [
        `run.json still says "running": the run stopped without finishing (killed or crashed) after ${at}.`,
      ];
    case 'failed':
      return [
        // A failure's message is a sentence of its own: its full stop is this note's.
        `The run failed after ${at}${run.failure ? `: ${run.failure.code}: ${run.failure.message.replace(/\.$/, '')}` : ''}.`,
      ];
    default:
      return run.merged && run.merged.missing.length > 0
        ? [
            `Partial: shard${run.merged.missing.length > 1 ? 's' : ''} ${run.merged.missing.join(', ')} of ${run.merged.count} missing from the merge; figures cover the shards present, and thresholds cannot pass.`,
          ]
        : [];
  }
}

function total(counts: OutcomeCounts): number {
  return OUTCOMES.reduce((n, o) => n + counts[o], 0);
}

function scopeFigures(h: Histogram, byOutcome: OutcomeCounts): ScopeFigures {
  const stats = latencyStatsMs(h);
  return {
    count: total(byOutcome),
    byOutcome,
    percentileMs: (p) => percentileMs(h, p),
    maxMs: stats.max,
    meanMs: stats.mean,
  };
}

function phaseSummary(p: PhaseAcc): PhaseSummary {
  const span = p.endS - p.startS;
  return {
    name: p.name,
    startS: p.startS,
    endS: p.endS,
    targetPerS: span > 0 ? round3(p.planned / span) : 0,
    achievedPerS: span > 0 ? round3(p.completed / span) : 0,
    errorRate: p.completed > 0 ? p.errors / p.completed : null,
    latencyMs: latencyStatsMs(p.latency),
  };
}

function sortedCodes(codes: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(codes).sort(([a], [b]) => Number(a) - Number(b) || a.localeCompare(b)),
  );
}

/** Pure: the whole analysis of a run's intervals. */
export function analyse(
  run: RunInfo,
  intervals: Iterable<ResultsInterval>,
  thresholds: readonly Threshold[] = [],
  readNotes: readonly string[] = [],
): Analysis {
  const analyser = new RunAnalyser(run);
  for (const { record, histograms } of intervals) analyser.add(record, histograms);
  return analyser.finish(thresholds, readNotes);
}

export function buildSummary(
  run: RunInfo,
  intervals: Iterable<ResultsInterval>,
  thresholds: readonly Threshold[] = [],
): Summary {
  return analyse(run, intervals, thresholds).summary;
}
