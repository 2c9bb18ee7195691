import type { Histogram } from 'hdr-histogram-js';
import { addHistograms } from '../metrics/totals.js';
import type { IntervalRecord, SeriesTag } from '../metrics/types.js';
import { ERROR_OUTCOMES, type Outcome } from '../outcome.js';

/** What one interval contributes to the progress display. */
export interface IntervalFigures {
  readonly achievedRate: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly worstAgent?: { readonly name: string; readonly p99Ms: number };
  readonly errors: Record<string, number>;
}

export function intervalFigures(
  record: IntervalRecord,
  histograms: Map<SeriesTag, Histogram>,
): IntervalFigures {
  const byAgent = new Map<string, Histogram[]>();
  const errors: Record<string, number> = {};
  for (const [tag, h] of histograms) {
    const slash = tag.lastIndexOf('/');
    const agent = tag.slice(0, slash);
    const outcome = tag.slice(slash + 1) as Outcome;
    if (ERROR_OUTCOMES.includes(outcome)) errors[outcome] = (errors[outcome] ?? 0) + h.totalCount;
    const list = byAgent.get(agent) ?? [];
    list.push(h);
    byAgent.set(agent, list);
  }
  const tenant = addHistograms([...histograms.values()]);
  let worstAgent: IntervalFigures['worstAgent'];
  for (const [name, list] of byAgent) {
    const h = addHistograms(list);
    if (h.totalCount === 0) continue;
    const p99Ms = h.getValueAtPercentile(99) / 1000;
    if (!worstAgent || p99Ms > worstAgent.p99Ms) worstAgent = { name, p99Ms };
  }
  const seconds = Math.max(0.001, (record.endMs - record.startMs) / 1000);
  return {
    achievedRate: record.completed / seconds,
    p50Ms: tenant.totalCount > 0 ? tenant.getValueAtPercentile(50) / 1000 : null,
    p99Ms: tenant.totalCount > 0 ? tenant.getValueAtPercentile(99) / 1000 : null,
    ...(worstAgent && byAgent.size > 1 ? { worstAgent } : {}),
    errors,
  };
}
