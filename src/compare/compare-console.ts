import { fmtCount, fmtDuration } from '../report/format.js';
import { attributedConsoleLines } from './compare-attributed.js';
import { fmtChange, fmtFigure, fmtInterval, fmtSeconds } from './compare-format.js';
import type { Comparison, MetricComparison, MetricStatus, RunRef, ScopeComparison } from './compare-types.js';

/** The word a verdict cell shows. */
export const STATUS_WORD: Record<MetricStatus, string> = {
  regression: 'REGRESSION',
  'within-noise': 'within noise',
  ok: 'ok',
  improved: 'improved',
  'not-judged': 'not judged',
  'no-data': 'no data',
};

/** What the console shows of a scope: the judged figures and the whole-run p99 beside them. */
function consoleMetrics(s: ScopeComparison): MetricComparison[] {
  return s.metrics.filter(
    (m) =>
      m.metric !== 'p50_run' &&
      m.metric !== 'p90_run' &&
      m.metric !== 'max_run' &&
      !(s.kind === 'agent' && m.metric === 'throughput'),
  );
}

/** `agent-4 (1.5.193.0 → 1.5.643.0)`: the scope with its versions when they changed. */
export function scopeTitle(s: ScopeComparison): string {
  if (s.kind === 'tenant') return 'tenant';
  const v =
    s.baseline.version === s.candidate.version
      ? (s.baseline.version ?? '')
      : `${s.baseline.version ?? '?'} → ${s.candidate.version ?? '?'}`;
  return v ? `${s.label} (${v})` : s.label;
}

export function describeRun(r: RunRef): string {
  const span =
    r.comparedS[1] - r.comparedS[0] < r.durationS - 0.01
      ? `, compared ${fmtDuration(r.comparedS[0])}–${fmtDuration(r.comparedS[1])}`
      : '';
  return `${r.status} · ${fmtDuration(r.durationS)} · ${r.intervalsCompared} intervals of ${fmtSeconds(r.intervalS)} · ${fmtCount(r.replies)} replies${span}`;
}

/**
 * The console table and verdict: what `ptaload compare` prints on stdout (its warnings go to stderr, so they
 * are not repeated here). Plain text, fixed-width columns. Pure.
 */
export function renderCompareText(c: Comparison): string {
  const lines: string[] = [];
  lines.push(
    `ptaload compare: ${c.baseline.profile}${c.candidate.profile !== c.baseline.profile ? ` vs ${c.candidate.profile}` : ''}`,
  );
  lines.push(`  baseline   ${c.baseline.dir}  (${describeRun(c.baseline)})`);
  lines.push(`  candidate  ${c.candidate.dir}  (${describeRun(c.candidate)})`);
  lines.push('');
  const head = [
    'scope',
    'figure',
    'baseline',
    'candidate',
    'change',
    `${Math.round(c.rules.confidence * 100)} % CI`,
    'allowed',
    'verdict',
  ];
  const rows: string[][] = [];
  for (const s of [c.tenant, ...c.agents]) {
    consoleMetrics(s).forEach((m, i) => {
      rows.push([
        i === 0 ? `${scopeTitle(s)}${s.judged ? '' : ' [context]'}` : '',
        m.label,
        fmtFigure(m.baseline, m.unit),
        fmtFigure(m.candidate, m.unit),
        fmtChange(m.change, m.changeKind),
        m.ci ? fmtInterval(m.ci, m.changeKind) : '',
        m.allowed === null ? '' : fmtChange(m.allowed, m.changeKind),
        STATUS_WORD[m.status],
      ]);
    });
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const right = new Set([2, 3, 4, 5, 6]);
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (right.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  lines.push(line(head));
  for (const r of rows) lines.push(line(r));
  lines.push('');
  lines.push(c.headline);
  lines.push(...attributedConsoleLines(c.attributed ?? []));
  for (const n of c.notes) lines.push(`note: ${n}`);
  lines.push(
    `rule: regression only when the whole ${Math.round(c.rules.confidence * 100)} % interval is past the allowed margin (moving-block bootstrap over intervals, ${c.rules.replicates} resamples, seed ${c.rules.seed}); details in compare.md.`,
  );
  return `${lines.join('\n')}\n`;
}
