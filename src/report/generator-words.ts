/** The generator's health, scheduled vs sent and tenant vs schedule time, in the words every report uses. */
import type { Summary } from '../analysis/summary-types.js';
import { fmtCount, fmtMs, fmtPct, fmtRate } from './format.js';

/** The banner line of a generator-limited run; null when the run measured the tenant. */
export function generatorBanner(s: Summary): string | null {
  const g = s.generator;
  if (!g?.limited) return null;
  return `Generator-limited: ${g.breaches.join('; ')}. ${g.advice}`;
}

/** "228 scheduled, 228 sent (1.000), 228 answered (1.000 of scheduled)"; null for folders without the counts. */
export function scheduleLine(s: Summary): string | null {
  const t = s.throughput;
  if (t.scheduled === null || t.scheduled === undefined) return null;
  const r = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toFixed(3));
  return `${fmtCount(t.scheduled)} scheduled by the seeded schedule, ${fmtCount(s.requests.sent)} sent (sent/scheduled ${r(t.sentOfScheduled)}), ${fmtCount(s.requests.completed)} answered (achieved/scheduled ${r(t.achievedOfScheduled)}); mean target rate ${fmtRate(t.targetPerS)}, scheduled ${fmtRate(t.scheduledPerS ?? null)}`;
}

/** How much of the p99 is the tenant's own time and how much waiting for the schedule; null when not recorded. */
export function serviceSplit(s: Summary): string | null {
  const service = s.latencyMs.service?.tenant;
  const corrected = s.latencyMs.tenant;
  if (!service || service.count === 0 || corrected.p99 === null || service.p99 === null) return null;
  const wait = Math.max(0, corrected.p99 - service.p99);
  const queued = (s.generator?.figures.queuedShare ?? 0) > 0;
  return `p99 ${fmtMs(corrected.p99)} from the intended start: ${fmtMs(service.p99)} (${fmtPct(service.p99 / corrected.p99)}) is service time, actual send → last byte${queued ? ' (including waits for a free connection in the client)' : ''}, and ${fmtMs(wait)} waiting for the schedule.`;
}

/** Each health figure beside its limit, for a table. */
export function generatorRows(
  s: Summary,
): [figure: string, measured: string, limit: string, over: boolean][] {
  const g = s.generator;
  if (!g) return [];
  const f = g.figures;
  const l = g.limits;
  const row = (
    name: string,
    v: number | null,
    limit: number,
    fmt: (x: number) => string,
  ): [string, string, string, boolean] => [
    name,
    v === null ? 'not recorded' : fmt(v),
    fmt(limit),
    v !== null && v > limit,
  ];
  const share = (x: number) => fmtPct(x);
  return [
    row('Late starts (share of sends)', f.lateShare, l.lateShare, share),
    row('Schedule slip p99', f.slipP99Ms, l.slipP99Ms, fmtMs),
    row('Worker event-loop delay p99 (worst 10 % of intervals)', f.loopDelayP99Ms, l.loopDelayP99Ms, fmtMs),
    row('Worker busy (event-loop utilisation, mean)', f.busyShare, l.busyShare, share),
    row('Sends queued in the client for a free connection', f.queuedShare, l.queuedShare, share),
  ];
}
