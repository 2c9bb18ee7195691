import { fmtMs, fmtPct, fmtRate, NONE } from '../report/format.js';
import type { MetricComparison } from './compare-types.js';

/** A signed relative change as a percentage: +34 %, +3.1 %, -0.42 %. */
export function fmtSignedPct(fraction: number): string {
  const pct = fraction * 100;
  const a = Math.abs(pct);
  const digits = a >= 10 ? 0 : a >= 1 ? 1 : 2;
  const text = Number(a.toFixed(digits));
  return `${pct < 0 && text !== 0 ? '-' : '+'}${text} %`;
}

/** A signed change of a share in percentage points: +1.2 pp, -0.05 pp. */
export function fmtSignedPp(fraction: number): string {
  const pp = fraction * 100;
  const a = Math.abs(pp);
  const digits = a >= 10 ? 1 : a >= 0.1 ? 2 : 3;
  const text = Number(a.toFixed(digits));
  return `${pp < 0 && text !== 0 ? '-' : '+'}${text} pp`;
}

export function fmtChange(value: number | null, kind: MetricComparison['changeKind']): string {
  if (value === null || !Number.isFinite(value)) return NONE;
  return kind === 'relative' ? fmtSignedPct(value) : fmtSignedPp(value);
}

/** `+28…+41 %` (the unit once, at the end). */
export function fmtInterval(
  ci: readonly [number, number] | null,
  kind: MetricComparison['changeKind'],
): string {
  if (ci === null) return NONE;
  const lo = fmtChange(ci[0], kind);
  const hi = fmtChange(ci[1], kind);
  const unit = kind === 'relative' ? ' %' : ' pp';
  return `${lo.endsWith(unit) ? lo.slice(0, -unit.length) : lo}…${hi}`;
}

/** A figure in its unit: 14.2 ms, 398/s, 0.42 %. */
export function fmtFigure(value: number | null, unit: MetricComparison['unit']): string {
  if (value === null) return NONE;
  switch (unit) {
    case 'ms':
      return fmtMs(value);
    case 'per_s':
      return fmtRate(value);
    case 'fraction':
      return fmtPct(value);
  }
}

/** `95 %` from 0.95. */
export function fmtConfidence(confidence: number): string {
  return `${Number((confidence * 100).toFixed(1))} %`;
}

/** A short span in seconds: 0.25 s, 1 s, 1.75 s, 2 min. */
export function fmtSeconds(s: number): string {
  if (s >= 120) return `${Number((s / 60).toFixed(1))} min`;
  return `${Number(s.toFixed(s < 10 ? 2 : 0))} s`;
}
