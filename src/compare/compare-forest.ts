import { escapeHtml as h } from '../report/format.js';
import { INK, MUTED } from '../report/palette.js';
import { niceStep } from '../report/svg-chart.js';
import { fmtChange } from './compare-format.js';
import type { Comparison, MetricComparison, MetricStatus } from './compare-types.js';

const STATUS_COLOR: Record<MetricStatus, string> = {
  regression: '#cf222e',
  'within-noise': '#9a6700',
  ok: '#1a7f37',
  improved: '#0072B2',
  'not-judged': '#8c959f',
  'no-data': '#8c959f',
};

/** Changes beyond this are drawn at the edge with an arrow, so one huge change does not squash the rest. */
const CLIP = 1.5;

interface Row {
  readonly label: string;
  readonly m: MetricComparison;
}

/**
 * A forest plot of the judged relative changes (p50, p99, throughput) of every judged scope: the estimate,
 * its confidence interval as a bar, and the allowed margin as a dashed tick, coloured by verdict. Server-side
 * SVG like the report's charts; carries its rows in data-rows for tests. Empty when nothing was judged.
 */
export function forestPlot(c: Comparison): string {
  const rows: Row[] = [];
  for (const s of [c.tenant, ...c.agents]) {
    if (!s.judged) continue;
    for (const m of s.metrics) {
      if (m.changeKind !== 'relative' || m.allowed === null || m.change === null || m.ci === null) continue;
      rows.push({ label: `${s.label} · ${m.label}`, m });
    }
  }
  if (rows.length === 0) return '';
  const W = 960;
  const left = 300;
  const right = 24;
  const top = 26;
  const rowH = 24;
  const H = top + rows.length * rowH + 34;
  const values = rows.flatMap(({ m }) => [m.change!, m.ci![0], m.ci![1], m.allowed!]).map(clip);
  const lo = Math.min(0, ...values) - 0.05;
  const hi = Math.max(0, ...values) + 0.05;
  const X = (v: number) => left + ((clip(v) - lo) / (hi - lo)) * (W - left - right);
  const parts: string[] = [];
  for (const t of ticks(lo, hi)) {
    parts.push(`<line class="grid" x1="${r(X(t))}" x2="${r(X(t))}" y1="${top - 6}" y2="${H - 30}"/>`);
    parts.push(
      `<text class="tick" x="${r(X(t))}" y="${H - 14}" text-anchor="middle">${h(fmtChange(t, 'relative'))}</text>`,
    );
  }
  parts.push(`<line class="axis" x1="${r(X(0))}" x2="${r(X(0))}" y1="${top - 6}" y2="${H - 30}"/>`);
  rows.forEach(({ label, m }, i) => {
    const y = top + i * rowH + rowH / 2;
    const color = STATUS_COLOR[m.status];
    parts.push(
      `<text class="label" x="${left - 10}" y="${r(y + 4)}" text-anchor="end" fill="${INK}">${h(label)}</text>`,
    );
    parts.push(
      `<line x1="${r(X(m.allowed!))}" x2="${r(X(m.allowed!))}" y1="${r(y - 9)}" y2="${r(y + 9)}" stroke="${MUTED}" stroke-width="1.5" stroke-dasharray="3 2"/>`,
    );
    parts.push(
      `<line x1="${r(X(m.ci![0]))}" x2="${r(X(m.ci![1]))}" y1="${r(y)}" y2="${r(y)}" stroke="${color}" stroke-width="3" stroke-linecap="round"/>`,
    );
    parts.push(
      `<circle cx="${r(X(m.change!))}" cy="${r(y)}" r="4.5" fill="${color}"><title>${h(m.rule)}</title></circle>`,
    );
    for (const end of [m.ci![0], m.ci![1], m.change!]) {
      if (Math.abs(end) > CLIP) {
        parts.push(
          `<text class="tick" x="${r(X(end) + (end > 0 ? 6 : -6))}" y="${r(y + 4)}" text-anchor="${end > 0 ? 'start' : 'end'}">${end > 0 ? '›' : '‹'}</text>`,
        );
      }
    }
  });
  const data = h(
    JSON.stringify(
      rows.map(({ label, m }) => ({
        label,
        status: m.status,
        change: m.change,
        ci: m.ci,
        allowed: m.allowed,
      })),
    ),
  );
  return `<figure class="chart" id="forest"><figcaption>Changes with their ${Math.round(c.rules.confidence * 100)} % confidence intervals; dashed: the allowed margin</figcaption>
<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="Changes and confidence intervals" data-rows="${data}">${parts.join('')}</svg></figure>`;
}

function clip(v: number): number {
  return Math.max(-CLIP, Math.min(CLIP, v));
}

function ticks(lo: number, hi: number): number[] {
  const step = niceStep((hi - lo) / 6);
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

function r(n: number): number {
  return Math.round(n * 10) / 10;
}
