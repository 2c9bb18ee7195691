import { escapeHtml as h } from '../report/format.js';
import { type Cell, fmtDate, kpi, num, table } from '../report/html.js';
import { REPORT_CSS } from '../report/html-style.js';
import { attributedHtml } from './compare-attributed.js';
import { describeRun, STATUS_WORD, scopeTitle } from './compare-console.js';
import { forestPlot } from './compare-forest.js';
import { fmtChange, fmtFigure, fmtInterval, fmtSignedPct, fmtSignedPp } from './compare-format.js';
import type { Comparison, MetricComparison, ScopeComparison } from './compare-types.js';

/** No fetches, no scripts at all: the page is tables and server-drawn SVG. */
const COMPARE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const COMPARE_CSS = `
.pill.regression { background:#ffebe9; color:#a40e26; border-color:#ffcecb; }
.pill.clear { background:#dafbe1; color:#116329; border-color:#aceebb; }
.warnings { border:1px solid #eed888; background:#fff8c5; border-radius:10px; padding:10px 16px; margin-top:22px; }
.warnings li { margin:4px 0; }
.headline { font-size:16px; margin:18px 0 0; }
td .reg { color:var(--bad); font-weight:700; }
td .noise { color:var(--warn); font-weight:600; }
td .good { color:var(--good); font-weight:600; }
tr.context td { color:var(--muted); }
ul.rules-list { font-size:13px; margin:8px 0 0; padding-left:20px; }
`;

/** compare.html: one self-contained page with the report's look (its stylesheet and table helpers). Pure. */
export function renderCompareHtml(c: Comparison): string {
  const verdict = c.regression
    ? '<span class="pill regression">regression</span>'
    : '<span class="pill clear">no regression</span>';
  const title = `${c.baseline.profile}${c.candidate.profile !== c.baseline.profile ? ` vs ${c.candidate.profile}` : ''}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${COMPARE_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(`${title} · ${c.regression ? 'regression' : 'no regression'} · ptaload compare`)}</title>
<style>${REPORT_CSS}${COMPARE_CSS}</style></head>
<body>
<header class="top"><div class="wrap">
<div class="brand">ptaload · before and after</div>
<h1>${h(title)}</h1>
<div class="meta"><span>${verdict}</span>
<span><b>Baseline</b>${h(c.baseline.runId)} · ${h(fmtDate(c.baseline.startedAt))}</span>
<span><b>Candidate</b>${h(c.candidate.runId)} · ${h(fmtDate(c.candidate.startedAt))}</span>
${c.agent ? `<span><b>Judged</b>agent ${h(c.agent)} only</span>` : ''}</div>
</div></header>
<main class="wrap">
<p class="headline" id="headline"><b>${h(c.headline)}</b></p>
${c.warnings.length > 0 ? `<div class="warnings" id="warnings"><b>Read with care</b><ul>${c.warnings.map((w) => `<li>${h(w)}</li>`).join('')}</ul></div>` : ''}
${kpis(c)}
<section id="runs"><h2>Runs</h2>${runs(c)}</section>
<section id="changes"><h2>Changes at a glance</h2>${forestPlot(c) || '<p class="dim">Nothing was judged.</p>'}</section>
<section id="tenant"><h2>Tenant-wide</h2>${scope(c.tenant, c)}</section>
<section id="agents"><h2>Agents</h2>${
    c.agents.length > 0
      ? c.agents
          .map(
            (a) =>
              `<h3>${h(scopeTitle(a))} ${!a.judged ? '<span class="pill">context</span>' : a.regression ? '<span class="pill regression">regression</span>' : '<span class="pill clear">no regression</span>'}${a.matchedBy && a.matchedBy !== 'name' ? ` <span class="dim">matched by ${h(a.matchedBy)}</span>` : ''}</h3>${scope(a, c)}`,
          )
          .join('\n')
      : '<p class="dim">No agent served replies in both runs (a real tenant names no agent): only tenant-wide figures are compared.</p>'
  }</section>
<section id="method"><h2>How the verdict is reached</h2><p>${h(c.method)}</p>
<p class="rules">Allowed: p50 ${h(fmtSignedPct(c.rules.maxP50Increase))}, p99 ${h(fmtSignedPct(c.rules.maxP99Increase))}, throughput ${h(fmtSignedPct(-c.rules.maxThroughputDrop))} (tenant-wide), error rates ${h(fmtSignedPp(c.rules.maxErrorRateIncrease))} in total and by class. “Typical” percentiles are the median over units of time of each unit’s percentile: a slower agent raises every unit, a machine that stalls for a second raises a few, which a median ignores. Whole-run percentiles are shown for context.</p></section>
${attributedHtml(c.attributed ?? [], h)}
${c.notes.length > 0 ? `<section id="notes"><h2>Notes</h2><ul class="notes">${c.notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul></section>` : ''}
</main>
<footer><div class="wrap">Written by <code>ptaload compare</code>; <code>--json</code> prints the verdict object. Latency is measured from each sign-in’s intended start on the schedule (coordinated-omission correct).</div></footer>
</body></html>
`;
}

function kpis(c: Comparison): string {
  const find = (s: ScopeComparison, id: string) => s.metrics.find((m) => m.metric === id);
  const card = (label: string, m: MetricComparison | undefined) =>
    m
      ? kpi(
          label,
          fmtChange(m.change, m.changeKind),
          `${fmtFigure(m.baseline, m.unit)} → ${fmtFigure(m.candidate, m.unit)} · ${STATUS_WORD[m.status]}`,
          m.status === 'regression' ? 'bad' : m.status === 'improved' ? 'good' : '',
        )
      : '';
  const regressed = [c.tenant, ...c.agents].filter((s) => s.regression).map((s) => s.label);
  return `<section class="kpis" id="kpis">${[
    kpi(
      'Verdict',
      c.regression ? 'Regression' : 'None',
      regressed.length > 0 ? `in ${regressed.join(', ')}` : 'every judged change within its margin or noise',
      c.regression ? 'bad' : 'good',
    ),
    card('Tenant p50 (typical)', find(c.tenant, 'p50')),
    card('Tenant p99 (typical)', find(c.tenant, 'p99')),
    card('Throughput', find(c.tenant, 'throughput')),
  ].join('')}</section>`;
}

function runs(c: Comparison): string {
  const row = (side: string, r: Comparison['baseline']): Cell[] => [
    { html: `<b>${h(side)}</b>` },
    { html: `<code>${h(r.dir)}</code>` },
    r.runId,
    { html: `<span class="pill ${h(r.status)}">${h(r.status)}</span>` },
    describeRun(r),
  ];
  return table(
    ['', 'Folder', 'Run', 'Status', 'Compared'],
    [row('Baseline', c.baseline), row('Candidate', c.candidate)],
  );
}

function scope(s: ScopeComparison, c: Comparison): string {
  const conf = `${Math.round(c.rules.confidence * 100)} % CI`;
  const sides =
    s.kind === 'agent'
      ? `<p class="dim">Baseline ${h(s.baseline.name)}${s.baseline.site ? ` (site ${h(s.baseline.site)})` : ''}: ${h(String(s.baseline.replies))} replies · candidate ${h(s.candidate.name)}: ${h(String(s.candidate.replies))} replies.</p>`
      : '';
  const body = table(
    ['Figure', num('Baseline'), num('Candidate'), num('Change'), num(conf), num('Allowed'), 'Verdict'],
    s.metrics.map((m) => [
      m.label,
      num(fmtFigure(m.baseline, m.unit)),
      num(fmtFigure(m.candidate, m.unit)),
      num(fmtChange(m.change, m.changeKind)),
      num(m.ci ? fmtInterval(m.ci, m.changeKind) : ''),
      num(m.allowed === null ? '' : fmtChange(m.allowed, m.changeKind)),
      { html: verdictCell(m) },
    ]),
    (i) =>
      s.metrics[i]!.status === 'regression' ? 'fail' : s.metrics[i]!.status === 'not-judged' ? 'context' : '',
  );
  const judged = s.metrics.filter((m) => ['regression', 'within-noise', 'ok', 'improved'].includes(m.status));
  const rules =
    judged.length > 0
      ? `<ul class="rules-list">${judged.map((m) => `<li>${h(m.rule)}</li>`).join('')}</ul>`
      : '';
  return `${sides}${body}${rules}`;
}

function verdictCell(m: MetricComparison): string {
  const word = h(STATUS_WORD[m.status]);
  const tip = `title="${h(m.rule)}"`;
  switch (m.status) {
    case 'regression':
      return `<span class="reg" ${tip}>${word}</span>`;
    case 'within-noise':
      return `<span class="noise" ${tip}>${word}</span>`;
    case 'ok':
    case 'improved':
      return `<span class="good" ${tip}>${word}</span>`;
    default:
      return `<span class="dim" ${tip}>${word}</span>`;
  }
}
