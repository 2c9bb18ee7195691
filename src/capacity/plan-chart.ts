import { fmtCount, fmtPct, fmtRate } from '../report/format.js';
import { INK, MUTED } from '../report/palette.js';
import { type ChartMarker, type ChartSeries, chart, type Point } from '../report/svg-chart.js';
import type { PlanDocument } from './plan-document.js';

/** The chart's vertical markers (tenant limit, recommendation), numbered in the order listed under it. */
export function capacityMarkers(doc: PlanDocument): ChartMarker[] {
  const { plan } = doc;
  const rec = plan.recommendation.recommendedAgents;
  const markers: ChartMarker[] = [];
  if (rec !== null && rec <= plan.input.maxAgents) {
    markers.push({ x: rec, label: `recommended: ${rec} agents` });
  }
  markers.push({ x: plan.input.maxAgents, label: `tenant limit: ${plan.input.maxAgents} agents` });
  return markers;
}

/**
 * Throughput at the SLO against agents: measured knees as dots, the USL fit solid where measured and dashed
 * where extrapolated, the peak (and peak + headroom) as horizontal lines, the recommendation and the 40-agent
 * limit as vertical ones.
 */
export function capacityChart(doc: PlanDocument): string {
  const { plan } = doc;
  const { min, max } = plan.fit.measuredN;
  const curve = plan.curve;
  const measured: Point[] = curve.map((c) => [
    c.agents,
    c.agents >= min && c.agents <= max ? c.predictedPerS : null,
  ]);
  // Both ends of the measured range belong to the dashed line too, so it meets the solid one.
  const extrapolated: Point[] = curve.map((c) => [
    c.agents,
    c.agents <= min || c.agents >= max ? c.predictedPerS : null,
  ]);
  const knee = (status: 'bound' | 'knee'): Point[] =>
    doc.counts
      .filter((c) => c.usedInFit && (c.status === 'lower-bound') === (status === 'bound'))
      .map((c): Point => [c.agents, c.kneePerS]);
  const model = plan.fit.model ?? 'usl';
  const band = plan.uncertainty?.curveBand;
  const series: ChartSeries[] = [];
  if (band && band.length === curve.length) {
    series.push({
      name: '95 % band of the fit',
      points: curve.map((c, i): Point => [c.agents, band[i]!.high]),
      lower: curve.map((c, i): Point => [c.agents, band[i]!.low]),
      color: '#56B4E9',
      area: true,
      line: false,
    });
  }
  series.push(
    { name: `${model} fit (measured range ${min}–${max})`, points: measured, color: '#0072B2', width: 2.25 },
    { name: `${model} fit, extrapolated`, points: extrapolated, color: '#0072B2', dash: '6 4', width: 1.75 },
    { name: 'measured knee', points: knee('knee'), color: '#D55E00', dots: true, line: false },
  );
  const bounds = knee('bound');
  if (bounds.length > 0) {
    series.push({
      name: 'knee (lower bound: the ramp never broke)',
      points: bounds,
      color: '#E69F00',
      dots: true,
      line: false,
    });
  }
  const hLines = [{ y: plan.input.peakPerS, label: `peak ${fmtRate(plan.input.peakPerS)}`, color: MUTED }];
  if (plan.input.headroom > 0) {
    hLines.push({
      y: plan.neededPerS,
      label: `peak + ${fmtPct(plan.input.headroom)} headroom = ${fmtRate(plan.neededPerS)}`,
      color: INK,
    });
  }
  const ticks = [1, ...Array.from({ length: Math.floor(plan.input.maxAgents / 5) }, (_, i) => (i + 1) * 5)];
  // What matters is the need and the measurements: a linear fit at 40 agents must not flatten them.
  const high = plan.uncertainty?.servingAgents.high ?? plan.recommendation.servingAgents;
  const relevant = [
    plan.neededPerS,
    ...doc.counts.map((c) => c.kneePerS ?? 0),
    plan.fit.xAtNStar ?? 0,
    high !== null && high <= curve.length ? (band?.[high - 1]?.high ?? curve[high - 1]!.predictedPerS) : 0,
  ];
  return chart(series, {
    yMax: 1.2 * Math.max(...relevant),
    id: 'capacity',
    title: 'Throughput at the SLO against agents',
    xLabel: 'agents',
    yLabel: 'sign-ins per second',
    xTicks: ticks,
    xFormat: String,
    yFormat: (v) => fmtCount(v),
    yUnit: 'rate',
    xUnit: 'agents',
    hLines,
    markers: capacityMarkers(doc),
    // Beyond the largest count measured the curve is the model's guess: shaded and said so.
    ...(max < plan.input.maxAgents
      ? {
          xBands: [
            { from: max, to: plan.input.maxAgents, label: `extrapolated beyond ${max} measured agents` },
          ],
        }
      : {}),
  });
}
