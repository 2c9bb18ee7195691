import { escapeHtml } from './format.js';

/**
 * Server-side SVG line/area charts for the HTML report: no library, no script needed to draw them.
 * Each chart carries its data (data-points) so tests and curious readers can check what is plotted.
 */
export type Point = readonly [x: number, y: number | null];

export interface ChartSeries {
  readonly name: string;
  /** A null y is a gap (no data in that interval). */
  readonly points: readonly Point[];
  readonly color: string;
  readonly dash?: string;
  /** Shade the area under the line (ignored when stacked: stacked series are always areas). */
  readonly area?: boolean;
  readonly width?: number;
  /** Draw a dot at every point (measured values among fitted lines). */
  readonly dots?: boolean;
  /** Set false for dots alone. Default true. */
  readonly line?: boolean;
  /** With `area`: shade between `points` and this lower edge (a confidence band) instead of down to the axis. */
  readonly lower?: readonly Point[];
}

export interface ChartMarker {
  readonly x: number;
  readonly label: string;
}

export interface ChartOptions {
  readonly id: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xScale?: 'linear' | 'log';
  readonly yScale?: 'linear' | 'log';
  readonly xFormat?: (x: number) => string;
  readonly yFormat?: (y: number) => string;
  /** Explicit x ticks (e.g. 90 %, 99 %… on a percentile axis). */
  readonly xTicks?: readonly number[];
  readonly stacked?: boolean;
  readonly markers?: readonly ChartMarker[];
  readonly hLines?: readonly { readonly y: number; readonly label: string; readonly color: string }[];
  /** Shaded x ranges behind the lines, labelled at the top (e.g. where a fit is extrapolated). */
  readonly xBands?: readonly { readonly from: number; readonly to: number; readonly label: string }[];
  /** Cap the y axis here (what matters, e.g. the need): lines above it are clipped, not allowed to squash the rest. */
  readonly yMax?: number;
  readonly width?: number;
  readonly height?: number;
  /** How the hover read-out formats values: y as latency, rate or count; x as time or percentile. */
  readonly yUnit?: 'ms' | 'rate' | 'count';
  readonly xUnit?: 'time' | 'percentile' | 'agents';
}

const M = { left: 64, right: 20, top: 26, bottom: 44 };

export function chart(series: readonly ChartSeries[], o: ChartOptions): string {
  const W = o.width ?? 960;
  const H = o.height ?? 300;
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const drawn = o.stacked ? stack(series) : series.map((s) => ({ s, upper: s.points, lower: undefined }));
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  let ys = drawn.flatMap((d) => d.upper.map((p) => p[1]).filter((y): y is number => y !== null));
  for (const h of o.hLines ?? []) ys.push(h.y);
  if (o.yMax !== undefined) ys = [...ys.filter((y) => y <= o.yMax!), o.yMax];
  const xScale = makeScale(o.xScale ?? 'linear', xs, 0, plotW, false);
  const yScale = makeScale(o.yScale ?? 'linear', ys, plotH, 0, true);
  const X = (x: number) => M.left + xScale.map(x);
  const Y = (y: number) => M.top + yScale.map(y);
  const xFormat = o.xFormat ?? String;
  const yFormat = o.yFormat ?? String;
  const parts: string[] = [];

  const xTicks = o.xTicks ?? xScale.ticks;
  for (const t of yScale.ticks) {
    parts.push(`<line class="grid" x1="${M.left}" x2="${M.left + plotW}" y1="${r(Y(t))}" y2="${r(Y(t))}"/>`);
    parts.push(
      `<text class="tick" x="${M.left - 8}" y="${r(Y(t)) + 4}" text-anchor="end">${escapeHtml(yFormat(t))}</text>`,
    );
  }
  for (const t of xTicks) {
    if (t < xScale.min || t > xScale.max) continue;
    parts.push(`<line class="grid" x1="${r(X(t))}" x2="${r(X(t))}" y1="${M.top}" y2="${M.top + plotH}"/>`);
    // Time ticks carry their value so the page can relabel them in wall-clock time.
    const data = (o.xUnit ?? 'time') === 'time' ? ` data-x="${t}"` : '';
    parts.push(
      `<text class="tick${data ? ' xt' : ''}"${data} x="${r(X(t))}" y="${M.top + plotH + 16}" text-anchor="middle">${escapeHtml(xFormat(t))}</text>`,
    );
  }
  parts.push(
    `<line class="axis" x1="${M.left}" x2="${M.left + plotW}" y1="${M.top + plotH}" y2="${M.top + plotH}"/>`,
  );
  parts.push(`<line class="axis" x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + plotH}"/>`);
  parts.push(
    `<text class="label${(o.xUnit ?? 'time') === 'time' ? ' xl' : ''}" x="${M.left + plotW / 2}" y="${H - 6}" text-anchor="middle">${escapeHtml(o.xLabel)}</text>`,
  );
  parts.push(
    `<text class="label" x="14" y="${M.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 14 ${M.top + plotH / 2})">${escapeHtml(o.yLabel)}</text>`,
  );

  for (const b of o.xBands ?? []) {
    const x1 = r(X(Math.max(b.from, xScale.min)));
    const x2 = r(X(Math.min(b.to, xScale.max)));
    if (x2 <= x1) continue;
    parts.push(
      `<g class="xband"><title>${escapeHtml(b.label)}</title><rect x="${x1}" y="${M.top}" width="${r(x2 - x1)}" height="${plotH}"/>` +
        `<text x="${r((x1 + x2) / 2)}" y="${M.top + 14}" text-anchor="middle">${escapeHtml(b.label)}</text></g>`,
    );
  }
  const clip = `clip-${escapeHtml(o.id)}`;
  parts.push(
    `<clipPath id="${clip}"><rect x="${M.left}" y="${M.top}" width="${plotW}" height="${plotH}"/></clipPath><g clip-path="url(#${clip})">`,
  );
  drawn.forEach((d, i) => {
    const s = d.s;
    const attrs = `data-series="${i}" stroke="${s.color}" stroke-width="${s.width ?? 1.75}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}`;
    const title = `<title>${escapeHtml(s.name)}</title>`;
    if (o.stacked || s.area) {
      const base = d.lower ?? s.lower ?? d.upper.map((p) => [p[0], yScale.min] as const);
      parts.push(
        `<path class="area" data-series="${i}" fill="${s.color}" d="${areaPath(d.upper, base, X, Y)}">${title}</path>`,
      );
    }
    if (s.line !== false) {
      parts.push(
        `<path class="line" ${attrs} fill="none" d="${linePath(d.upper, X, Y, yScale)}">${title}</path>`,
      );
    }
    if (s.dots) {
      const dots = d.upper
        .map(([x, y]) => (y === null ? '' : `<circle cx="${r(X(x))}" cy="${r(Y(y))}" r="4.5"/>`))
        .join('');
      parts.push(`<g class="dots" data-series="${i}" fill="${s.color}">${title}${dots}</g>`);
    }
  });
  parts.push('</g>');

  // Labels of lines closer than a text line apart go the other side of their line, so none overlap.
  const placed: number[] = [];
  for (const h of [...(o.hLines ?? [])].sort((a, b) => b.y - a.y)) {
    const y = r(Y(h.y));
    let labelY = y - 4;
    if (placed.some((p) => Math.abs(p - labelY) < 13)) labelY = y + 13;
    if (placed.some((p) => Math.abs(p - labelY) < 13)) labelY = Math.min(...placed) - 13;
    placed.push(labelY);
    parts.push(
      `<line class="hline" x1="${M.left}" x2="${M.left + plotW}" y1="${y}" y2="${y}" stroke="${h.color}"/>`,
    );
    parts.push(
      `<text class="hlabel" x="${M.left + plotW - 4}" y="${labelY}" text-anchor="end" fill="${h.color}">${escapeHtml(h.label)}</text>`,
    );
  }
  (o.markers ?? []).forEach((m, i) => {
    if (m.x < xScale.min || m.x > xScale.max) return;
    const x = r(X(m.x));
    parts.push(
      `<g class="marker"><title>${escapeHtml(m.label)}</title><line x1="${x}" x2="${x}" y1="${M.top - 4}" y2="${M.top + plotH}"/>` +
        `<circle cx="${x}" cy="${M.top - 12}" r="8"/><text x="${x}" y="${M.top - 8}" text-anchor="middle">${i + 1}</text></g>`,
    );
  });

  parts.push(`<line class="guide" x1="0" x2="0" y1="${M.top}" y2="${M.top + plotH}"/>`);
  const data = JSON.stringify({ series: series.map((s) => ({ name: s.name, points: s.points })) });
  // Where the plot sits in the viewBox and what its x axis spans: enough for the hover read-out to map back.
  const frame = JSON.stringify({
    W,
    left: M.left,
    w: plotW,
    min: xScale.min,
    max: xScale.max,
    log: (o.xScale ?? 'linear') === 'log',
    y: o.yUnit ?? 'count',
    x: o.xUnit ?? 'time',
  });
  const svg =
    `<svg data-chart="${escapeHtml(o.id)}" data-points="${escapeHtml(data)}" data-frame="${escapeHtml(frame)}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(o.title)}" xmlns="http://www.w3.org/2000/svg">` +
    parts.join('') +
    '</svg>';
  const legend = series
    .map(
      (s, i) =>
        `<button type="button" class="key" data-series="${i}" aria-pressed="true"><span class="swatch" style="background:${s.color}"></span>${escapeHtml(s.name)}</button>`,
    )
    .join('');
  return `<figure class="chart" id="chart-${escapeHtml(o.id)}"><figcaption>${escapeHtml(o.title)}</figcaption>${svg}<div class="legend">${legend}</div></figure>`;
}

interface Scale {
  readonly min: number;
  readonly max: number;
  readonly ticks: readonly number[];
  map(v: number): number;
}

function makeScale(
  kind: 'linear' | 'log',
  values: readonly number[],
  from: number,
  to: number,
  zeroBased: boolean,
): Scale {
  if (kind === 'log') {
    const positive = values.filter((v) => v > 0);
    const [pMin, pMax] = extent(positive);
    const lo = positive.length > 0 ? 10 ** Math.floor(Math.log10(pMin)) : 1;
    const hi = positive.length > 0 ? 10 ** Math.ceil(Math.log10(pMax)) : 10;
    const max = hi > lo ? hi : lo * 10;
    const span = Math.log10(max) - Math.log10(lo);
    const ticks: number[] = [];
    for (let e = Math.log10(lo); e <= Math.log10(max) + 1e-9; e++) {
      ticks.push(10 ** e);
      if (span <= 2) ticks.push(2 * 10 ** e, 5 * 10 ** e);
    }
    const map = (v: number) => from + ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / span) * (to - from);
    return { min: lo, max, ticks: ticks.filter((t) => t <= max), map };
  }
  let [lo, hi] = values.length > 0 ? extent(values) : [0, 1];
  if (zeroBased) lo = Math.min(lo, 0);
  if (hi === lo) hi = lo + 1;
  const step = niceStep((hi - lo) / 5);
  if (zeroBased) hi = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
    ticks.push(Number(t.toPrecision(12)));
  const map = (v: number) => from + ((v - lo) / (hi - lo)) * (to - from);
  return { min: lo, max: hi, ticks, map };
}

/** Min and max without spreading (a long run has more points than a call may take arguments). */
export function extent(values: readonly number[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** A round step (1, 2, 2.5 or 5 × 10^n) near `raw`, for axis ticks. */
export function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * p;
}

function r(n: number): number {
  return Math.round(n * 10) / 10;
}

function linePath(
  points: readonly Point[],
  X: (x: number) => number,
  Y: (y: number) => number,
  scale: Scale,
): string {
  let d = '';
  let pen = false;
  for (const [x, y] of points) {
    if (y === null || (scale.min > 0 && y <= 0)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${r(X(x))} ${r(Y(y))}`;
    pen = true;
  }
  return d;
}

function areaPath(
  upper: readonly Point[],
  lower: readonly Point[],
  X: (x: number) => number,
  Y: (y: number) => number,
): string {
  if (upper.length === 0) return '';
  const top = upper.map(([x, y]) => `${r(X(x))} ${r(Y(y ?? 0))}`);
  const bottom = [...lower].reverse().map(([x, y]) => `${r(X(x))} ${r(Y(y ?? 0))}`);
  return `M${top.join('L')}L${bottom.join('L')}Z`;
}

/** Cumulative sums for a stacked chart: each series sits on the ones before it (gaps count as 0). */
function stack(series: readonly ChartSeries[]): { s: ChartSeries; upper: Point[]; lower: Point[] }[] {
  let below: Point[] | undefined;
  return series.map((s) => {
    const lower: Point[] = s.points.map((p, i) => [p[0], below?.[i]?.[1] ?? 0]);
    const upper: Point[] = s.points.map((p, i) => [p[0], (lower[i]![1] ?? 0) + (p[1] ?? 0)]);
    below = upper;
    return { s, upper, lower };
  });
}
