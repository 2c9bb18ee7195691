import type { Analysis } from '../analysis/summary-types.js';
import type { IntervalStats } from '../metrics/interval-stats.js';
import { naturalSort } from '../metrics/natural-order.js';
import { OUTCOMES } from '../outcome.js';
import { describeEvent, eventTimeMs, type RunInfo } from '../results/run-info.js';
import { agentOutliers } from './agent-outliers.js';
import { fmtClock, fmtMs } from './format.js';
import { binColumns, heatmap } from './heatmap.js';
import { INK, OUTCOME_COLORS, seriesStyle } from './palette.js';
import { type ChartMarker, type ChartSeries, chart, extent, type Point } from './svg-chart.js';

/** The report's charts, in reading order. Points are taken from the interval series as they are (x = interval start). */
export function reportCharts(run: RunInfo, analysis: Analysis): string[] {
  const { series } = analysis;
  if (series.length === 0) return [];
  const markers = eventMarkers(run);
  const x = (s: IntervalStats) => s.startS;
  const time = { xLabel: 'time since start', xFormat: fmtClock, markers } as const;
  const agents = naturalSort(Object.keys(analysis.summary.agents));
  const outliers = agentOutliers(analysis.summary, run.intervalMs / 1000);
  // Among many agents, the ones that stand out are drawn bold and the rest thin, so they do not drown.
  const emphasis = (name: string) => (agents.length > 8 ? { width: outliers.has(name) ? 3 : 1.1 } : {});
  const charts = [
    chart(
      [
        {
          name: 'target rate',
          points: series.map((s) => [x(s), s.targetRate]),
          color: INK,
          dash: '5 4',
          width: 1.5,
        },
        {
          name: 'achieved (replies/s)',
          points: series.map((s) => [x(s), s.achievedRate]),
          color: '#0072B2',
          area: true,
        },
        { name: 'successful sign-ins/s', points: series.map((s) => [x(s), s.successRate]), color: '#009E73' },
      ],
      {
        id: 'throughput',
        title: 'Throughput vs target',
        yLabel: 'per second',
        yFormat: fmtCompact,
        yUnit: 'rate',
        ...time,
      },
    ),
  ];
  const tenantLines: ChartSeries[] = (['p50', 'p90', 'p99', 'max'] as const).map((k, i) => ({
    name: k === 'max' ? 'max' : k,
    points: series.map((s): Point => [x(s), s.tenant[k]]),
    ...seriesStyle(i),
    ...(k === 'max' ? { dash: '2 3' } : {}),
  }));
  charts.push(
    chart(tenantLines, {
      id: 'latency',
      title: 'Latency over time, every reply (tenant-wide)',
      yLabel: 'latency',
      yFormat: fmtMs,
      yUnit: 'ms',
      yScale: logWanted(tenantLines) ? 'log' : 'linear',
      ...time,
    }),
  );
  if (agents.length > 0) {
    const agentLines: ChartSeries[] = agents.map((name, i) => ({
      name,
      points: series.map((s): Point => [x(s), s.agents[name]?.p99 ?? null]),
      ...seriesStyle(i),
      ...emphasis(name),
    }));
    charts.push(
      chart(agentLines, {
        id: 'agent-p99',
        title: 'p99 latency per agent (a line starts and stops when the agent joins or leaves)',
        yLabel: 'p99 latency',
        yFormat: fmtMs,
        yUnit: 'ms',
        yScale: logWanted(agentLines) ? 'log' : 'linear',
        ...time,
      }),
    );
  }
  if (agents.length > 0) {
    charts.push(
      chart(
        agents.map((name, i) => ({
          name,
          points: series.map(
            (s): Point => [x(s), s.agents[name] ? perSecond(s, s.agents[name].count) : null],
          ),
          ...seriesStyle(i),
          ...emphasis(name),
        })),
        {
          id: 'agent-throughput',
          title: 'Throughput per agent (replies/s; how load spreads as agents join or leave)',
          yLabel: 'replies per second',
          yFormat: fmtCompact,
          yUnit: 'rate',
          ...time,
        },
      ),
    );
  }
  if (agents.length > 1) charts.push(...agentHeatmaps(series, agents, markers));
  charts.push(distributionChart(analysis, agents));
  const seen = OUTCOMES.filter((o) => analysis.summary.requests.byOutcome[o] > 0);
  if (seen.length > 0) {
    charts.push(
      chart(
        seen.map((o) => ({
          name: o,
          points: series.map((s): Point => [x(s), perSecond(s, s.byOutcome[o])]),
          color: OUTCOME_COLORS[o],
        })),
        {
          id: 'outcomes',
          title: 'Replies by outcome class (stacked)',
          yLabel: 'replies per second',
          yFormat: fmtCompact,
          yUnit: 'rate',
          stacked: true,
          ...time,
        },
      ),
    );
  }
  return charts;
}

/** Agent × time: p99 (log colour scale) and each agent's share of the interval's attributed replies. */
function agentHeatmaps(
  series: readonly IntervalStats[],
  agents: readonly string[],
  markers: readonly ChartMarker[],
): string[] {
  const starts = series.map((s) => s.startS);
  const endS = series[series.length - 1]!.endS;
  const p99Rows = agents.map((name) => series.map((s) => s.agents[name]?.p99 ?? null));
  const shareRows = agents.map((name) =>
    series.map((s) => {
      const total = Object.values(s.agents).reduce((n, a) => n + a.count, 0);
      const mine = s.agents[name]?.count ?? 0;
      return total > 0 && s.agents[name] ? mine / total : null;
    }),
  );
  const p99 = binColumns(starts, p99Rows, (v) => Math.max(...v));
  const share = binColumns(starts, shareRows, (v) => v.reduce((a, b) => a + b, 0) / v.length);
  return [
    heatmap({
      id: 'agent-p99',
      title: 'p99 latency per agent over time (darker is faster)',
      rows: agents,
      ...p99,
      endS,
      scale: 'log',
      unit: 'ms',
      format: fmtMs,
      xFormat: fmtClock,
      markers,
    }),
    heatmap({
      id: 'agent-share',
      title: `Share of throughput per agent over time (an even spread is ${fmtPctShort(1 / agents.length)} each)`,
      rows: agents,
      ...share,
      endS,
      scale: 'linear',
      unit: 'share',
      format: fmtPctShort,
      xFormat: fmtClock,
      markers,
    }),
  ];
}

function fmtPctShort(v: number): string {
  return `${Number((v * 100).toPrecision(2))} %`;
}

function distributionChart(analysis: Analysis, agents: readonly string[]): string {
  const toX = (p: number) => 1 / (1 - Math.min(p, 99.9999999) / 100);
  const lines: ChartSeries[] = [
    {
      name: 'all replies (tenant)',
      points: analysis.curves.tenant.map((c): Point => [toX(c.percentile), c.valueMs]),
      color: INK,
      width: 2.5,
    },
    ...agents.map((name, i) => ({
      name,
      points: (analysis.curves.agents[name] ?? []).map((c): Point => [toX(c.percentile), c.valueMs]),
      ...seriesStyle(i),
    })),
  ];
  const maxX = Math.max(10, extent(lines.flatMap((l) => l.points.map((p) => p[0])))[1]);
  const ticks: number[] = [];
  for (let t = 1; t <= maxX * 1.0001; t *= 10) ticks.push(t);
  return chart(lines, {
    id: 'distribution',
    title: 'Latency by percentile, whole run (HdrHistogram scale)',
    xLabel: 'percentile',
    yLabel: 'latency',
    xScale: 'log',
    xTicks: ticks,
    xFormat: (v) => `${Number((100 * (1 - 1 / v)).toPrecision(6))}%`,
    yFormat: fmtMs,
    yUnit: 'ms',
    xUnit: 'percentile',
    yScale: logWanted(lines) ? 'log' : 'linear',
  });
}

export function eventMarkers(run: RunInfo): ChartMarker[] {
  return [...run.timeline]
    .sort((a, b) => eventTimeMs(a) - eventTimeMs(b))
    .map((r) => ({
      x: eventTimeMs(r) / 1000,
      label: `${fmtClock(eventTimeMs(r) / 1000)} ${describeEvent(r)}`,
    }));
}

function perSecond(s: IntervalStats, n: number): number {
  const len = s.endS - s.startS;
  return len > 0 ? Math.round((n / len) * 1000) / 1000 : n;
}

/** Log scale once the spread is wide enough that a linear axis would flatten the normal case into the floor. */
function logWanted(series: readonly ChartSeries[]): boolean {
  const ys = series.flatMap((s) => s.points.map((p) => p[1]).filter((y): y is number => y !== null && y > 0));
  if (ys.length === 0) return false;
  const [lo, hi] = extent(ys);
  return hi / lo > 30;
}

function fmtCompact(n: number): string {
  if (n >= 10_000) return `${Number((n / 1000).toPrecision(3))}k`;
  return String(Number(n.toPrecision(4)));
}
