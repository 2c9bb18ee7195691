import { fmtCount, fmtDuration, escapeMarkdown as md, mdCode } from '../report/format.js';
import { attributedMarkdownLines } from './compare-attributed.js';
import { STATUS_WORD, scopeTitle } from './compare-console.js';
import {
  fmtChange,
  fmtFigure,
  fmtInterval,
  fmtSeconds,
  fmtSignedPct,
  fmtSignedPp,
} from './compare-format.js';
import type { Comparison, MetricComparison, RunRef, ScopeComparison } from './compare-types.js';

const JUDGED = new Set(['regression', 'within-noise', 'ok', 'improved']);

/** compare.md: the verdict, both runs, every figure with its interval and the rule applied. Pure. */
export function renderCompareMarkdown(c: Comparison): string {
  const out: string[] = [];
  const conf = `${Math.round(c.rules.confidence * 100)} %`;
  out.push(
    `# Comparison: ${md(c.baseline.profile)}${c.candidate.profile !== c.baseline.profile ? ` vs ${md(c.candidate.profile)}` : ''}`,
  );
  out.push('');
  out.push(
    `**${c.regression ? 'REGRESSION' : 'No regression'}.** ${md(c.headline.replace(/^(REGRESSION: |No regression )/, ''))}`,
  );
  out.push('');
  out.push(runsTable(c.baseline, c.candidate));
  if (c.agent)
    out.push('', `Judged: agent ${md(c.agent)} only (\`--agent\`); everything else is shown for context.`);
  if (c.warnings.length > 0) {
    out.push('', '## Warnings', '', ...c.warnings.map((w) => `- ${md(w)}`));
  }
  out.push('', '## Allowed', '');
  out.push('| Figure | Allowed change |', '|---|---:|');
  out.push(`| p50 (typical) | ${fmtSignedPct(c.rules.maxP50Increase)} |`);
  out.push(`| p99 (typical) | ${fmtSignedPct(c.rules.maxP99Increase)} |`);
  out.push(`| throughput, tenant-wide | ${fmtSignedPct(-c.rules.maxThroughputDrop)} |`);
  out.push(`| error rate, in total and by class | ${fmtSignedPp(c.rules.maxErrorRateIncrease)} |`);
  out.push('', '## Tenant-wide', '', scopeSection(c.tenant, conf));
  if (c.agents.length > 0) {
    out.push('', '## Agents');
    for (const a of c.agents) {
      const verdict = !a.judged ? 'context' : a.regression ? '**REGRESSION**' : 'no regression';
      const matched = a.matchedBy && a.matchedBy !== 'name' ? `, matched by ${a.matchedBy}` : '';
      out.push('', `### ${md(scopeTitle(a))}: ${verdict}${matched}`, '', scopeSection(a, conf));
    }
  } else {
    out.push(
      '',
      'No agent served replies in both runs (a real tenant names no agent), so only tenant-wide figures are compared.',
    );
  }
  if (c.unmatched.baseline.length + c.unmatched.candidate.length > 0) {
    out.push(
      '',
      `Not compared: ${[...c.unmatched.baseline.map((n) => `${md(n)} (baseline only)`), ...c.unmatched.candidate.map((n) => `${md(n)} (candidate only)`)].join(', ')}.`,
    );
  }
  out.push('', '## How the verdict is reached', '', md(c.method), '');
  out.push(
    md(
      'Why typical values: a slower agent raises every unit of time; a machine that stalls for a second or two raises a few units, which a median ignores, while those few can set the whole run’s p99 on their own. Whole-run percentiles are shown for context.',
    ),
  );
  out.push(...attributedMarkdownLines(c.attributed ?? [], md));
  if (c.notes.length > 0) out.push('', '## Notes', '', ...c.notes.map((n) => `- ${md(n)}`));
  out.push('', `Written by \`ptaload compare\`; rerun it with \`--json\` for the verdict object.`, '');
  return out.join('\n');
}

function runsTable(b: RunRef, c: RunRef): string {
  const rows: [string, (r: RunRef) => string][] = [
    ['Folder', (r) => mdCode(r.dir)],
    ['Run', (r) => md(r.runId)],
    ['Status', (r) => (r.status === 'completed' ? 'completed' : `**${r.status}**`)],
    ['Started', (r) => md(r.startedAt)],
    ['Duration', (r) => fmtDuration(r.durationS)],
    ['Compared', (r) => `${fmtDuration(r.comparedS[0])} – ${fmtDuration(r.comparedS[1])}`],
    ['Intervals', (r) => `${r.intervalsCompared} × ${fmtSeconds(r.intervalS)}`],
    ['Replies', (r) => fmtCount(r.replies)],
    ['ptaload', (r) => md(r.toolVersion)],
  ];
  return [
    '| | Baseline | Candidate |',
    '|---|---|---|',
    ...rows.map(([k, f]) => `| ${k} | ${f(b)} | ${f(c)} |`),
  ].join('\n');
}

function scopeSection(s: ScopeComparison, conf: string): string {
  const sides =
    s.kind === 'agent'
      ? `Baseline ${md(s.baseline.name)}${s.baseline.site ? ` (site ${md(s.baseline.site)})` : ''}, ${fmtCount(s.baseline.replies)} replies; candidate ${md(s.candidate.name)}, ${fmtCount(s.candidate.replies)} replies.\n\n`
      : '';
  const table = [
    `| Figure | Baseline | Candidate | Change | ${conf} CI | Allowed | Verdict |`,
    '|---|---:|---:|---:|---:|---:|---|',
    ...s.metrics.map((m) => row(m)),
  ].join('\n');
  const rules = s.metrics
    .filter((m) => JUDGED.has(m.status))
    .sort((a, b) => Number(b.status === 'regression') - Number(a.status === 'regression'))
    .map((m) => `- ${md(m.rule)}`);
  return `${sides}${table}${rules.length > 0 ? `\n\n${rules.join('\n')}` : ''}`;
}

function row(m: MetricComparison): string {
  const verdict = m.status === 'regression' ? '**REGRESSION**' : STATUS_WORD[m.status];
  return `| ${md(m.label)} | ${fmtFigure(m.baseline, m.unit)} | ${fmtFigure(m.candidate, m.unit)} | ${fmtChange(m.change, m.changeKind)} | ${m.ci ? fmtInterval(m.ci, m.changeKind) : ''} | ${m.allowed === null ? '' : fmtChange(m.allowed, m.changeKind)} | ${verdict} |`;
}
