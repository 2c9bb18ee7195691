import { type IntervalStats, round3 } from '../metrics/interval-stats.js';
import { ERROR_OUTCOMES, type Outcome, PTA_FAILURES } from '../outcome.js';
import {
  DISRUPTIVE_ACTIONS,
  describeEvent,
  eventTimeMs,
  type RunInfo,
  type TimelineRecord,
} from '../results/run-info.js';

/** The rules behind the failover figures; printed beside them so a reader can check the arithmetic. */
export const FAILOVER_RULES = {
  /** Pre-event baseline: median tenant p99 of up to this many intervals ending at or before the event. */
  baselineIntervals: 10,
  /** Recovered: tenant p99 ≤ max(factor × baseline, baseline + floor) ... */
  toleranceFactor: 1.25,
  toleranceFloorMs: 50,
  /** ... in every interval after the last one that broke it, and at least this many such intervals. */
  recoveryIntervals: 3,
  /** The window after an event ends at the next disruptive event, the end of the run, or this long after. */
  windowMaxS: 120,
} as const;

export const FAILOVER_RULE_TEXT =
  `window: the intervals mostly after the event, up to the next remove/degrade/fail-site event, the run's end or ${FAILOVER_RULES.windowMaxS} s, whichever comes first; ` +
  `baseline: median tenant p99 of the ${FAILOVER_RULES.baselineIntervals} intervals before it; ` +
  `recovered: tenant p99 ≤ max(${FAILOVER_RULES.toleranceFactor} × baseline, baseline + ${FAILOVER_RULES.toleranceFloorMs} ms) ` +
  `in every later interval of the window (at least ${FAILOVER_RULES.recoveryIntervals}); ` +
  `recovery time: from the event to the end of the last interval that broke it (0 when none did; a final partial interval is not judged); ` +
  `lost agent replies: its replies in the window until it (or its site) is brought back.`;

interface LostAgentReplies {
  readonly agent: string;
  /**
   * Replies attributed to the agent between the event and its return (add/restore of it, restore-site of its
   * site) or the window's end, that ended in 80002/80014 (the sim names the dead agent on those).
   */
  readonly ptaTimeout: number;
  /** pta_unavailable + pta_error attributed to it. */
  readonly ptaOther: number;
  /** Replies it still answered normally (success or a user-side answer). */
  readonly served: number;
  /** End of the last interval in which it served a reply, before it (or its site) was brought back. */
  readonly lastServedS: number | null;
}

export interface FailoverFigures {
  readonly label: string;
  readonly action: string;
  readonly agent?: string;
  readonly site?: string;
  readonly mode?: string;
  /** When the event took effect, s since the run's start. */
  readonly atS: number;
  /** Whether the event was applied (a failed hook is still measured: the agent may have gone anyway). */
  readonly applied: boolean;
  readonly affectedAgents: readonly string[];
  readonly windowEndS: number;
  readonly requests: number;
  readonly errors: number;
  readonly errorRate: number | null;
  /** Error classes with a non-zero count in the window. */
  readonly errorsByClass: Partial<Record<Outcome, number>>;
  readonly worstP99Ms: number | null;
  readonly worstP99AtS: number | null;
  readonly baselineP99Ms: number | null;
  readonly toleranceMs: number | null;
  /** s from the event until tenant p99 is back within tolerance for good; null when it never was, or no baseline. */
  readonly recoveryS: number | null;
  readonly lostAgents: readonly LostAgentReplies[];
}

export function failoverFigures(run: RunInfo, series: readonly IntervalStats[]): FailoverFigures[] {
  const disruptive = run.timeline
    .filter((r) => DISRUPTIVE_ACTIONS.has(r.action))
    .sort((a, b) => eventTimeMs(a) - eventTimeMs(b));
  const runEndS = series.length > 0 ? series[series.length - 1]!.endS : 0;
  return disruptive.map((record, i) => {
    const atS = eventTimeMs(record) / 1000;
    const next = disruptive[i + 1];
    const windowEndS = Math.min(
      next ? eventTimeMs(next) / 1000 : Number.POSITIVE_INFINITY,
      runEndS,
      atS + FAILOVER_RULES.windowMaxS,
    );
    const window = series.filter((s) => mid(s) >= atS && mid(s) < windowEndS);
    return figuresFor(run, record, atS, Math.max(windowEndS, atS), window, series);
  });
}

function figuresFor(
  run: RunInfo,
  record: TimelineRecord,
  atS: number,
  windowEndS: number,
  window: readonly IntervalStats[],
  series: readonly IntervalStats[],
): FailoverFigures {
  const errorsByClass: Partial<Record<Outcome, number>> = {};
  let requests = 0;
  let errors = 0;
  let worst: IntervalStats | undefined;
  for (const s of window) {
    requests += s.completed;
    for (const o of ERROR_OUTCOMES) {
      if (s.byOutcome[o] === 0) continue;
      errorsByClass[o] = (errorsByClass[o] ?? 0) + s.byOutcome[o];
      errors += s.byOutcome[o];
    }
    if (s.tenant.p99 !== null && (worst === undefined || s.tenant.p99 > worst.tenant.p99!)) worst = s;
  }
  const baselineP99Ms = baseline(series, atS);
  const toleranceMs =
    baselineP99Ms === null
      ? null
      : Math.max(
          FAILOVER_RULES.toleranceFactor * baselineP99Ms,
          baselineP99Ms + FAILOVER_RULES.toleranceFloorMs,
        );
  const affectedAgents = affected(run, record, atS * 1000);
  return {
    label: describeEvent(record),
    action: record.action,
    ...(record.agent !== undefined && { agent: record.agent }),
    ...(record.site !== undefined && { site: record.site }),
    ...(record.mode !== undefined && { mode: record.mode }),
    atS,
    applied: record.ok,
    affectedAgents,
    windowEndS,
    requests,
    errors,
    errorRate: requests > 0 ? errors / requests : null,
    errorsByClass,
    worstP99Ms: worst?.tenant.p99 ?? null,
    worstP99AtS: worst ? worst.startS : null,
    baselineP99Ms,
    toleranceMs: toleranceMs === null ? null : round3(toleranceMs),
    recoveryS: toleranceMs === null ? null : recovery(window.filter(whole(run, series)), atS, toleranceMs),
    lostAgents: affectedAgents.map((agent) =>
      lostAgentReplies(
        agent,
        window.filter((s) => s.startS < returnS(run, agent, atS)),
      ),
    ),
  };
}

/**
 * An interval counts as after an event when most of it is: events land a millisecond either side of an
 * interval boundary, and the interval before must not lend its replies to the figures after.
 */
function mid(s: IntervalStats): number {
  return (s.startS + s.endS) / 2;
}

/** A run stopped mid-interval ends with a short interval, often just the drain: it is not judged for recovery. */
function whole(run: RunInfo, series: readonly IntervalStats[]): (s: IntervalStats) => boolean {
  const last = series[series.length - 1];
  return (s) => s !== last || s.endS - s.startS >= (run.intervalMs / 1000) * 0.999;
}

/** When a lost agent (or its site) was brought back: its replies after that are not about the loss. */
function returnS(run: RunInfo, agent: string, atS: number): number {
  const site = siteOf(run, agent);
  const back = run.timeline
    .filter((r) => eventTimeMs(r) / 1000 > atS)
    .filter(
      (r) =>
        ((r.action === 'add' || r.action === 'restore') && r.agent === agent) ||
        (r.action === 'restore-site' && site !== undefined && r.site === site),
    )
    .map((r) => eventTimeMs(r) / 1000);
  return back.length > 0 ? Math.min(...back) : Number.POSITIVE_INFINITY;
}

function siteOf(run: RunInfo, agent: string): string | undefined {
  const initial = run.agents.find((a) => a.name === agent)?.site;
  if (initial !== undefined) return initial;
  const added = run.timeline.find((r) => r.action === 'add' && r.agent === agent);
  return added?.site;
}

function baseline(series: readonly IntervalStats[], atS: number): number | null {
  const before = series
    .filter((s) => mid(s) < atS && s.tenant.p99 !== null)
    .slice(-FAILOVER_RULES.baselineIntervals)
    .map((s) => s.tenant.p99!)
    .sort((a, b) => a - b);
  if (before.length === 0) return null;
  const half = before.length >> 1;
  return before.length % 2 === 1 ? before[half]! : (before[half - 1]! + before[half]!) / 2;
}

/** An interval with load but no reply at all is as bad as a slow one; an idle one says nothing. */
function breaks(s: IntervalStats, toleranceMs: number): boolean | undefined {
  if (s.tenant.p99 === null) return s.sent > 0 || s.inFlight > 0 ? true : undefined;
  return s.tenant.p99 > toleranceMs;
}

function recovery(window: readonly IntervalStats[], atS: number, toleranceMs: number): number | null {
  const judged = window.map((s) => breaks(s, toleranceMs));
  if (judged.every((j) => j === undefined)) return null;
  const lastBad = judged.lastIndexOf(true);
  if (lastBad === -1) return 0;
  const goodAfter = judged.slice(lastBad + 1).filter((j) => j === false).length;
  if (goodAfter < FAILOVER_RULES.recoveryIntervals) return null;
  return round3(window[lastBad]!.endS - atS);
}

function affected(run: RunInfo, record: TimelineRecord, atMs: number): string[] {
  if (record.action !== 'fail-site') return record.agent ? [record.agent] : [];
  const listed = record.detail?.agents;
  if (listed) return [...listed];
  const names = new Set(run.agents.filter((a) => a.site === record.site).map((a) => a.name));
  for (const r of run.timeline) {
    if (r.action !== 'add' || !r.agent || eventTimeMs(r) > atMs) continue;
    if (siteOf(run, r.agent) === record.site) names.add(r.agent);
  }
  return [...names].sort();
}

function lostAgentReplies(agent: string, window: readonly IntervalStats[]): LostAgentReplies {
  let ptaTimeout = 0;
  let ptaOther = 0;
  let served = 0;
  let lastServedS: number | null = null;
  for (const s of window) {
    const a = s.agents[agent];
    if (!a) continue;
    ptaTimeout += a.byOutcome.pta_timeout;
    ptaOther += PTA_FAILURES.reduce((n, o) => (o === 'pta_timeout' ? n : n + a.byOutcome[o]), 0);
    const ok = Object.entries(a.byOutcome).reduce(
      (n, [o, c]) => ((ERROR_OUTCOMES as readonly string[]).includes(o) ? n : n + c),
      0,
    );
    served += ok;
    if (ok > 0) lastServedS = s.endS;
  }
  return { agent, ptaTimeout, ptaOther, served, lastServedS };
}
