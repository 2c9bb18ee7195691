/** What the progress display shows, each figure with its time base: now, the last closed interval, the run so far. */
import type { Histogram } from 'hdr-histogram-js';
import type { LiveFigures } from '../load/load-sink.js';
import { naturalCompare } from '../metrics/natural-order.js';
import { addHistograms } from '../metrics/totals.js';
import { type IntervalRecord, parseSeriesTag, type SeriesTag } from '../metrics/types.js';
import { ERROR_OUTCOMES } from '../outcome.js';

/** The engine's tick, about once a second: what the load's progress hook hands over. */
export type NowFigures = LiveFigures;

/** One closed interval; every figure in it covers [startMs, endMs). */
export interface IntervalFigures {
  readonly startMs: number;
  readonly endMs: number;
  readonly achievedRate: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly worstAgent?: { readonly name: string; readonly p99Ms: number };
  readonly errors: Readonly<Record<string, number>>;
  readonly lateStarts: number;
}

/** Since the schedule started. */
export interface RunFigures {
  readonly sent: number;
  /** Arrivals the seeded schedule drew so far; absent when the engine did not count them. */
  readonly scheduled?: number;
  readonly replies: number;
  readonly errors: number;
  readonly lateStarts: number;
  readonly maxSlipMs: number;
}

export interface ProgressFrame {
  readonly now: NowFigures;
  /** Absent until the first interval closes: nothing is shown as 0/s before it is measured. */
  readonly last?: IntervalFigures;
  readonly run: RunFigures;
}

function intervalFigures(
  record: IntervalRecord,
  histograms: ReadonlyMap<SeriesTag, Histogram>,
): IntervalFigures {
  const byAgent = new Map<string, Histogram[]>();
  const errors: Record<string, number> = {};
  for (const [tag, h] of histograms) {
    const series = parseSeriesTag(tag);
    if (!series) continue;
    if (ERROR_OUTCOMES.includes(series.outcome)) {
      errors[series.outcome] = (errors[series.outcome] ?? 0) + h.totalCount;
    }
    const list = byAgent.get(series.agent) ?? [];
    list.push(h);
    byAgent.set(series.agent, list);
  }
  const tenant = addHistograms([...histograms.values()]);
  let worstAgent: IntervalFigures['worstAgent'];
  for (const [name, list] of [...byAgent].sort(([a], [b]) => naturalCompare(a, b))) {
    const h = addHistograms(list);
    if (h.totalCount === 0) continue;
    const p99Ms = h.getValueAtPercentile(99) / 1000;
    if (!worstAgent || p99Ms > worstAgent.p99Ms) worstAgent = { name, p99Ms };
  }
  const seconds = Math.max(0.001, (record.endMs - record.startMs) / 1000);
  return {
    startMs: record.startMs,
    endMs: record.endMs,
    achievedRate: record.completed / seconds,
    p50Ms: tenant.totalCount > 0 ? tenant.getValueAtPercentile(50) / 1000 : null,
    p99Ms: tenant.totalCount > 0 ? tenant.getValueAtPercentile(99) / 1000 : null,
    ...(worstAgent && byAgent.size > 1 ? { worstAgent } : {}),
    errors,
    lateStarts: record.lateStarts,
  };
}

/** Folds intervals as they close and pairs them with the latest tick. */
export class ProgressFigures {
  private last: IntervalFigures | undefined;
  private run: RunFigures = { sent: 0, replies: 0, errors: 0, lateStarts: 0, maxSlipMs: 0 };

  addInterval(record: IntervalRecord, histograms: ReadonlyMap<SeriesTag, Histogram>): void {
    this.last = intervalFigures(record, histograms);
    const errors = Object.values(this.last.errors).reduce((a, b) => a + b, 0);
    const scheduled =
      record.scheduled === undefined ? this.run.scheduled : (this.run.scheduled ?? 0) + record.scheduled;
    this.run = {
      sent: this.run.sent + record.sent,
      ...(scheduled === undefined ? {} : { scheduled }),
      replies: this.run.replies + record.completed,
      errors: this.run.errors + errors,
      lateStarts: this.run.lateStarts + record.lateStarts,
      maxSlipMs: Math.max(this.run.maxSlipMs, record.maxSlipUs / 1000),
    };
  }

  frame(now: NowFigures): ProgressFrame {
    return { now, ...(this.last ? { last: this.last } : {}), run: this.run };
  }
}
