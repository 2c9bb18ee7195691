import { fmtChange, fmtConfidence, fmtInterval } from './compare-format.js';
import { percentileInterval } from './compare-stats.js';
import type { MetricComparison, MetricId, MetricStatus } from './compare-types.js';

/** What a figure is: how it is named, measured and which way is worse. */
export interface Spec {
  readonly id: MetricId;
  readonly label: string;
  readonly unit: MetricComparison['unit'];
  readonly changeKind: MetricComparison['changeKind'];
  /** Which way hurts: up (latency, errors) or down (throughput). */
  readonly worse: 1 | -1;
}

/**
 * A figure's comparison: the change, its confidence interval from the bootstrap changes, and its status
 * under the rule (or why it is not judged).
 */
export function judge(
  s: Spec,
  base: number | null,
  cand: number | null,
  changes: Float64Array,
  margin: number | null,
  reason: string | undefined,
  confidence: number,
): MetricComparison {
  const delta = base === null || cand === null ? null : finite(change(base, cand, s.changeKind));
  const ci = delta === null || changes.length === 0 ? null : percentileInterval(changes, confidence);
  const status: MetricStatus =
    base === null || cand === null
      ? 'no-data'
      : reason !== undefined || margin === null || ci === null || delta === null
        ? 'not-judged'
        : statusOf(delta, ci, margin, s.worse);
  return {
    metric: s.id,
    label: s.label,
    unit: s.unit,
    baseline: base,
    candidate: cand,
    changeKind: s.changeKind,
    change: delta,
    ci,
    allowed: margin === null ? null : margin * s.worse,
    status,
    rule: ruleText(s, delta, ci, margin, status, confidence, reason, base === null),
  };
}

export function change(base: number, cand: number, kind: MetricComparison['changeKind']): number {
  if (kind === 'points') return cand - base;
  return base > 0 ? cand / base - 1 : Number.NaN;
}

export function finite(x: number | null): number | null {
  return x !== null && Number.isFinite(x) ? x : null;
}

/**
 * The rule: a regression only when the whole confidence interval lies past the allowed margin on the worse
 * side, i.e. the data say with 97.5 % one-sided confidence that the change exceeds what is allowed.
 */
export function statusOf(
  change: number,
  ci: readonly [number, number],
  margin: number,
  worse: 1 | -1,
): MetricStatus {
  const lo = worse === 1 ? ci[0] : -ci[1];
  const hi = worse === 1 ? ci[1] : -ci[0];
  if (lo > margin) return 'regression';
  if (hi < -margin) return 'improved';
  if (worse * change > margin) return 'within-noise';
  return 'ok';
}

function ruleText(
  s: Spec,
  delta: number | null,
  ci: readonly [number, number] | null,
  margin: number | null,
  status: MetricStatus,
  confidence: number,
  reason: string | undefined,
  baselineEmpty: boolean,
): string {
  if (status === 'no-data')
    return `${s.label}: no replies in the ${baselineEmpty ? 'baseline' : 'candidate'}`;
  const interval = ci ? ` (${fmtConfidence(confidence)} CI ${fmtInterval(ci, s.changeKind)})` : '';
  const head = `${s.label} ${fmtChange(delta, s.changeKind)}${interval}`;
  if (status === 'not-judged' || margin === null) return `${head}: not judged (${reason ?? 'no interval'})`;
  const allowed = fmtChange(margin * s.worse, s.changeKind);
  switch (status) {
    case 'regression':
      return `${head} ${s.worse === 1 ? '>' : '<'} ${allowed} allowed → regression`;
    case 'within-noise':
      return `${head} is past ${allowed} allowed, but the interval reaches back inside it → within noise, not a regression`;
    case 'improved':
      return `${head} is better than ${fmtChange(-margin * s.worse, s.changeKind)} → improved`;
    default:
      return `${head} within ${allowed} allowed → ok`;
  }
}
