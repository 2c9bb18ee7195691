/** The results folder's CSV files, timeseries.csv and agents.csv: their columns and one row per interval. */
import type { IntervalStats } from '../metrics/interval-stats.js';
import { OUTCOMES } from '../outcome.js';

/**
 * timeseries.csv is wide and fixed (tenant-wide figures, one column per outcome class: the set is closed);
 * per-agent figures go to agents.csv in long form (one row per interval × agent), because agents can join
 * mid-run and a CSV cannot grow columns after its header is written.
 */
/**
 * Absolute UTC times of the interval (ISO 8601, ms), so rows line up with the agents' own monitoring. Last in
 * both files: they came after the first version, and scripts reading columns by position keep working.
 */
const UTC_COLUMNS = ['utc_start', 'utc_end'] as const;

export const TIMESERIES_COLUMNS = [
  't_start_s',
  't_end_s',
  'phase',
  'target_rate',
  'sent',
  'completed',
  'achieved_rate',
  'in_flight',
  'late_starts',
  'max_slip_ms',
  ...OUTCOMES,
  'active_agents',
  'events',
  'tenant_p50_ms',
  'tenant_p90_ms',
  'tenant_p99_ms',
  'tenant_max_ms',
  ...UTC_COLUMNS,
] as const;

export const AGENT_COLUMNS = [
  't_start_s',
  't_end_s',
  'agent',
  'count',
  'p50_ms',
  'p90_ms',
  'p99_ms',
  'max_ms',
  ...OUTCOMES,
  ...UTC_COLUMNS,
] as const;

/** RFC 4180 quoting, only where needed; a missing figure (no replies) is an empty cell. */
function field(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function row(values: readonly (string | number | null)[]): string {
  return `${values.map(field).join(',')}\n`;
}

export function csvHeader(columns: readonly string[]): string {
  return row(columns);
}

function utc(epochMs: number, offsetS: number): string {
  return new Date(Math.round(epochMs + offsetS * 1000)).toISOString();
}

/**
 * `events`: labels of timeline events that took effect during the interval, joined by ';'. `epochMs` is the
 * run's time zero (the schedule's start) as ms since the epoch.
 */
export function timeseriesRow(s: IntervalStats, events: readonly string[], epochMs: number): string {
  return row([
    s.startS,
    s.endS,
    s.phase,
    s.targetRate,
    s.sent,
    s.completed,
    s.achievedRate,
    s.inFlight,
    s.lateStarts,
    s.maxSlipMs,
    ...OUTCOMES.map((o) => s.byOutcome[o]),
    s.activeAgents.join(';'),
    events.join(';'),
    s.tenant.p50,
    s.tenant.p90,
    s.tenant.p99,
    s.tenant.max,
    utc(epochMs, s.startS),
    utc(epochMs, s.endS),
  ]);
}

export function agentRows(s: IntervalStats, epochMs: number): string {
  return Object.entries(s.agents)
    .map(([name, a]) =>
      row([
        s.startS,
        s.endS,
        name,
        a.count,
        a.p50,
        a.p90,
        a.p99,
        a.max,
        ...OUTCOMES.map((o) => a.byOutcome[o]),
        utc(epochMs, s.startS),
        utc(epochMs, s.endS),
      ]),
    )
    .join('');
}
