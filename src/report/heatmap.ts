/** Server-drawn agent × time heatmaps (p99, share of throughput): 40 agents stay readable where 40 lines do not. */
import { escapeHtml } from './format.js';

export interface HeatmapOptions {
  readonly id: string;
  readonly title: string;
  /** Row labels, top to bottom (agents in natural order). */
  readonly rows: readonly string[];
  /** Column start times, s since the run's start; `endS` closes the last. */
  readonly columns: readonly number[];
  readonly endS: number;
  /** values[row][column]; null is "no data" (the agent was not answering). */
  readonly values: readonly (readonly (number | null)[])[];
  readonly scale: 'linear' | 'log';
  /** How the hover read-out and the colour key format a value. */
  readonly unit: 'ms' | 'share';
  readonly format: (v: number) => string;
  readonly xFormat: (s: number) => string;
  readonly markers?: readonly { readonly x: number; readonly label: string }[];
}

/** At most this many columns: longer runs are binned (p99: the worst interval of a bin; share: the mean). */
const MAX_COLUMNS = 150;
const ROW_H = 12;
const M = { left: 84, right: 16, top: 22, bottom: 40 };

// Viridis at five stops: perceptually even, colour-blind safe, dark = low, yellow = high.
const STOPS = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'];

function heatmapColor(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = hex(STOPS[i]!);
  const b = hex(STOPS[i + 1]!);
  const c = a.map((v, k) => Math.round(v + (b[k]! - v) * f));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

export function heatmap(o: HeatmapOptions): string {
  const W = 960;
  const plotW = W - M.left - M.right;
  const plotH = o.rows.length * ROW_H;
  const H = M.top + plotH + M.bottom;
  const span = Math.max(1e-9, o.endS - (o.columns[0] ?? 0));
  const t0 = o.columns[0] ?? 0;
  const X = (s: number) => M.left + ((s - t0) / span) * plotW;
  const present = o.values.flat().filter((v): v is number => v !== null && (o.scale === 'linear' || v > 0));
  let lo = present.length > 0 ? Math.min(...present) : 0;
  const hi = present.length > 0 ? Math.max(...present) : 1;
  if (o.scale === 'linear') lo = Math.min(lo, 0);
  const norm = (v: number) => {
    if (hi <= lo) return 0.5;
    if (o.scale === 'log') return (Math.log(Math.max(v, lo)) - Math.log(lo)) / (Math.log(hi) - Math.log(lo));
    return (v - lo) / (hi - lo);
  };
  const parts: string[] = [];
  o.rows.forEach((name, r) => {
    const y = M.top + r * ROW_H;
    parts.push(
      `<text class="tick" x="${M.left - 6}" y="${y + ROW_H - 2.5}" text-anchor="end">${escapeHtml(name)}</text>`,
    );
    o.columns.forEach((start, c) => {
      const v = o.values[r]?.[c] ?? null;
      const end = o.columns[c + 1] ?? o.endS;
      const fill = v === null ? 'var(--none, #eef0f2)' : heatmapColor(norm(v));
      parts.push(
        `<rect x="${round(X(start))}" y="${y}" width="${round(X(end) - X(start) + 0.3)}" height="${ROW_H - 1}" fill="${fill}"/>`,
      );
    });
  });
  const ticks = timeTicks(t0, o.endS);
  for (const t of ticks) {
    parts.push(
      `<text class="tick xt" data-x="${t}" x="${round(X(t))}" y="${M.top + plotH + 14}" text-anchor="middle">${escapeHtml(o.xFormat(t))}</text>`,
    );
  }
  (o.markers ?? []).forEach((m, i) => {
    if (m.x < t0 || m.x > o.endS) return;
    const x = round(X(m.x));
    parts.push(
      `<g class="marker"><title>${escapeHtml(m.label)}</title><line x1="${x}" x2="${x}" y1="${M.top - 4}" y2="${M.top + plotH}"/>` +
        `<circle cx="${x}" cy="${M.top - 10}" r="7"/><text x="${x}" y="${M.top - 6.5}" text-anchor="middle">${i + 1}</text></g>`,
    );
  });
  parts.push(
    `<text class="label xl" x="${M.left + plotW / 2}" y="${H - 6}" text-anchor="middle">time since start</text>`,
  );
  const grid = JSON.stringify({
    W,
    H,
    left: M.left,
    top: M.top,
    w: plotW,
    rowH: ROW_H,
    rows: o.rows,
    cols: o.columns,
    end: o.endS,
    unit: o.unit,
    values: o.values,
  });
  const svg =
    `<svg data-heatmap="${escapeHtml(o.id)}" data-grid="${escapeHtml(grid)}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(o.title)}" xmlns="http://www.w3.org/2000/svg">` +
    `${parts.join('')}<rect class="cursor" x="0" y="0" width="0" height="${ROW_H - 1}"/></svg>`;
  const key = present.length
    ? `<div class="heatkey"><span>${escapeHtml(o.format(lo))}</span><span class="ramp" style="background:linear-gradient(90deg,${STOPS.join(',')})"></span><span>${escapeHtml(o.format(hi))}</span>${o.scale === 'log' ? '<span class="dim">log scale</span>' : ''}<span class="none-key"></span><span class="dim">no replies</span></div>`
    : '';
  return `<figure class="heatmap" id="heatmap-${escapeHtml(o.id)}"><figcaption>${escapeHtml(o.title)}</figcaption>${svg}${key}</figure>`;
}

/** Bins intervals into at most MAX_COLUMNS columns. `pick` folds the values of one bin (nulls dropped). */
export function binColumns(
  starts: readonly number[],
  rows: readonly (readonly (number | null)[])[],
  pick: (values: number[]) => number,
): { columns: number[]; values: (number | null)[][] } {
  const per = Math.max(1, Math.ceil(starts.length / MAX_COLUMNS));
  const columns: number[] = [];
  for (let i = 0; i < starts.length; i += per) columns.push(starts[i]!);
  const values = rows.map((row) =>
    columns.map((_, c) => {
      const bin = row.slice(c * per, c * per + per).filter((v): v is number => v !== null);
      return bin.length > 0 ? pick(bin) : null;
    }),
  );
  return { columns, values };
}

function timeTicks(from: number, to: number): number[] {
  const span = to - from;
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
  const step = steps.find((s) => span / s <= 10) ?? 7200;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to + 1e-9; t += step) ticks.push(t);
  return ticks;
}

function hex(color: string): number[] {
  return [1, 3, 5].map((i) => Number.parseInt(color.slice(i, i + 2), 16));
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
