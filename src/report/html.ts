import { createHash } from 'node:crypto';
import type { Analysis, Summary } from '../analysis/summary-types.js';
import { naturalSort } from '../metrics/natural-order.js';
import { ERROR_OUTCOMES, OUTCOMES } from '../outcome.js';
import { describeEvent, eventTimeMs, type RunInfo } from '../results/run-info.js';
import { agentOutliers } from './agent-outliers.js';
import { attributedHtml } from './attributed.js';
import {
  fmtClock,
  fmtCount,
  fmtDuration,
  fmtMs,
  fmtPct,
  fmtRate,
  fmtValue,
  escapeHtml as h,
  NONE,
} from './format.js';
import { generatorBanner, generatorRows, scheduleLine, serviceSplit } from './generator-words.js';
import { eventMarkers, reportCharts } from './html-charts.js';
import { REPORT_CSS, REPORT_SCRIPT } from './html-style.js';

export type Cell = string | { readonly html: string; readonly n?: boolean; readonly nw?: boolean };

export function table(
  head: readonly Cell[],
  rows: readonly (readonly Cell[])[],
  rowClass?: (i: number) => string,
): string {
  const cell = (tag: 'th' | 'td', c: Cell) =>
    typeof c === 'string'
      ? `<${tag}>${h(c)}</${tag}>`
      : `<${tag}${c.n ? ' class="n"' : c.nw ? ' class="nw"' : ''}>${c.html}</${tag}>`;
  const body = rows
    .map(
      (r, i) =>
        `<tr${rowClass?.(i) ? ` class="${rowClass(i)}"` : ''}>${r.map((c) => cell('td', c)).join('')}</tr>`,
    )
    .join('');
  return `<div class="scroll"><table><thead><tr>${head.map((c) => cell('th', c)).join('')}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/** Right-aligned number cell (text escaped). */
export const num = (text: string): Cell => ({ html: h(text), n: true });
/** A cell that must not wrap (times, ranges). */
const nw = (text: string): Cell => ({ html: h(text), nw: true });

/** No fetches at all, inline styles, and no script but the report's own (by hash). Shared by every HTML page we write. */
export const REPORT_CSP = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${createHash('sha256').update(REPORT_SCRIPT).digest('base64')}'`;

/**
 * report.html: one self-contained file (inline CSS, server-drawn SVG, a few lines of script for legend
 * toggles). A Content-Security-Policy forbids every fetch and any script but ours, so nothing the
 * profile or run carried can load or run anything even if it slipped past escaping. Pure.
 */
export function renderHtml(run: RunInfo, analysis: Analysis): string {
  const s = analysis.summary;
  const description = (run.profile.resolved as { description?: unknown } | null)?.description;
  const verdict =
    s.thresholds.length === 0
      ? ''
      : `<span class="pill ${s.passed ? 'pass' : 'fail'}">thresholds ${s.passed ? 'passed' : 'failed'}</span>`;
  const charts = reportCharts(run, analysis);
  const markers = eventMarkers(run);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(`${s.profile} · ${s.status} · ptaload report`)}</title>
<style>${REPORT_CSS}</style></head>
<body>
<header class="top"><div class="wrap">
<div class="brand">ptaload · PTA agent load test</div>
<h1>${h(s.profile)}</h1>
${typeof description === 'string' && description ? `<p class="desc">${h(description)}</p>` : ''}
<div class="meta"><span><span class="pill ${h(s.status)}">${h(s.status)}</span>${verdict}</span>
<span><b>Started</b>${h(fmtDate(s.startedAt))}</span><span><b>Duration</b>${h(fmtDuration(s.durationS))}</span>
<span><b>Target</b>${h(`${s.target.kind} · ${s.target.url}`)}</span><span><b>Tenant</b>${h(s.target.tenant)}</span>
<span><b>Run</b>${h(s.runId)}</span>${run.shard ? `<span><b>Shard</b>${run.shard.index}/${run.shard.count}</span>` : ''}<span><b>Workers</b>${run.workers} · ${run.connections} connections</span><span><b>Tool</b>ptaload ${h(s.tool.version)} · Node ${h(run.node)}</span></div>
</div></header>
<main class="wrap">
${banner(s)}
${kpis(s)}
${s.thresholds.length > 0 ? `<section id="thresholds"><h2>Thresholds</h2>${thresholds(s)}</section>` : ''}
${generatorSection(s)}
<section id="charts"><h2>Over time</h2>
<label class="clock"><input type="checkbox" id="wall-clock" data-epoch="${run.startEpochMs}"> wall-clock time (UTC) on the time axes</label>
${charts.join('\n')}
${markers.length > 0 ? `<h3>Agent events</h3><ol class="events">${markers.map((m) => `<li>${h(m.label)}</li>`).join('')}</ol>` : ''}
</section>
<section id="agents"><h2>Agents</h2>${agents(s)}</section>
${s.attributed ? attributedHtml(s.attributed) : ''}
${s.phases.length > 0 ? `<section id="phases"><h2>Phases</h2>${phases(s)}</section>` : ''}
<section id="outcomes"><h2>Outcomes</h2>${outcomes(s)}</section>
${s.events.length > 0 ? `<section id="failover"><h2>Failover</h2>${failover(s)}<p class="rules">${h(s.failoverRules)}</p></section>` : ''}
${run.timeline.length > 0 ? `<section id="timeline"><h2>Timeline</h2>${timeline(run)}</section>` : ''}
${s.notes.length > 0 ? `<section id="notes"><h2>Notes</h2><ul class="notes">${s.notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul></section>` : ''}
</main>
<footer><div class="wrap">Latency is measured from each sign-in's intended start on the schedule to the last byte of its reply (coordinated-omission correct). Rebuild this report from the results folder with <code>ptaload report &lt;folder&gt;</code>.</div></footer>
<script>${REPORT_SCRIPT}</script>
</body></html>
`;
}

function banner(s: Summary): string {
  const text = generatorBanner(s);
  return text ? `<section id="generator-limited" class="banner bad"><p><b>${h(text)}</b></p></section>` : '';
}

function generatorSection(s: Summary): string {
  const rows = generatorRows(s);
  const words = [scheduleLine(s), serviceSplit(s)].filter((w): w is string => w !== null);
  if (rows.length === 0 && words.length === 0) return '';
  return `<section id="generator"><h2>Generator health</h2>${words.map((w) => `<p>${h(w)}</p>`).join('')}${
    rows.length > 0
      ? table(
          ['Figure', num('Measured'), num('Limit'), 'Result'],
          rows.map(([name, v, limit, over]) => [
            name,
            num(v),
            num(limit),
            over ? { html: '<span class="no">over</span>' } : 'ok',
          ]),
          (i) => (rows[i]![3] ? 'fail' : ''),
        )
      : ''
  }</section>`;
}

/** 2026-11-25 12:00:00 UTC: an ISO stamp a person reads at a glance. */
export function fmtDate(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

export function kpi(label: string, value: string, sub: string, tone = ''): string {
  return `<div class="kpi${tone ? ` ${tone}` : ''}"><div class="k">${h(label)}</div><div class="v">${h(value)}</div><div class="s">${h(sub)}</div></div>`;
}

function kpis(s: Summary): string {
  const t = s.latencyMs.tenant;
  const share = s.throughput.achievedShare;
  const agentCount = Object.keys(s.agents).length;
  return `<section class="kpis" id="kpis">${[
    kpi(
      'Achieved',
      fmtRate(s.throughput.achievedPerS),
      s.throughput.scheduled === null || s.throughput.scheduled === undefined
        ? `${fmtPct(share)} of ${fmtRate(s.throughput.targetPerS)} target`
        : `${share === null ? NONE : share.toFixed(3)} of ${fmtCount(s.throughput.scheduled)} scheduled · mean target ${fmtRate(s.throughput.targetPerS)}`,
      share !== null && share < 0.95 ? 'bad' : '',
    ),
    kpi(
      'Replies',
      fmtCount(s.requests.completed),
      `${fmtCount(s.requests.sent)} sent · ${fmtCount(s.requests.inFlightAtEnd)} in flight at end`,
    ),
    kpi(
      'Error rate',
      fmtPct(s.requests.errorRate),
      `${fmtCount(s.requests.errors)} errors`,
      (s.requests.errorRate ?? 0) > 0.01 ? 'bad' : '',
    ),
    kpi('p50 latency', fmtMs(t.p50), `mean ${fmtMs(t.mean)}`),
    kpi('p99 latency', fmtMs(t.p99), `success only ${fmtMs(s.latencyMs.tenantSuccess.p99)}`),
    kpi('p99.9 / max', `${fmtMs(t.p999)}`, `max ${fmtMs(t.max)}`),
    kpi(
      'Agents',
      agentCount > 0 ? String(agentCount) : NONE,
      agentCount > 0 ? 'served replies' : 'no agent attribution',
    ),
    kpi(
      'Schedule',
      fmtCount(s.schedule.lateStarts),
      `late starts · slip p99 ${fmtMs(s.schedule.slipP99Ms ?? null)} · worst ${fmtMs(s.schedule.maxSlipMs)}`,
      s.generator?.limited || (!s.generator && s.schedule.lateStarts > 0.01 * s.requests.sent) ? 'bad' : '',
    ),
  ].join('')}</section>`;
}

function thresholds(s: Summary): string {
  return table(
    ['Threshold', 'Result', num('Measured'), 'Note'],
    s.thresholds.map((t) => [
      { html: `<code>${h(t.expression)}</code>` },
      { html: t.ok ? '<span class="ok">pass</span>' : '<span class="no">FAIL</span>' },
      num(`${fmtValue(t.value, t.unit)}${t.agent ? ` (${t.agent})` : ''}`),
      t.reason ?? '',
    ]),
    (i) => (s.thresholds[i]!.ok ? '' : 'fail'),
  );
}

function agents(s: Summary): string {
  const names = naturalSort(Object.keys(s.agents));
  const outliers = agentOutliers(s, s.intervalS);
  if (names.length === 0)
    return '<p class="dim">No reply named an agent (a real tenant does not); the figures above are tenant-wide.</p>';
  return table(
    [
      'Agent',
      'Site',
      'Version',
      num('Replies'),
      num('Share'),
      num('p50'),
      num('p90'),
      num('p99'),
      num('p99.9'),
      num('max'),
      num('Errors'),
      'Seen',
      'Stands out',
    ],
    names.map((name) => {
      const a = s.agents[name]!;
      const l = s.latencyMs.agents[name]!;
      const errors = ERROR_OUTCOMES.reduce((n, o) => n + a.byOutcome[o], 0);
      return [
        { html: `<b>${h(name)}</b>`, nw: true },
        a.site ?? NONE,
        a.version ?? NONE,
        num(fmtCount(a.requests)),
        num(fmtPct(a.share)),
        num(fmtMs(l.p50)),
        num(fmtMs(l.p90)),
        num(fmtMs(l.p99)),
        num(fmtMs(l.p999)),
        num(fmtMs(l.max)),
        num(fmtCount(errors)),
        nw(`${fmtClock(a.firstSeenS)} – ${fmtClock(a.lastSeenS)}`),
        outliers.get(name)?.join('; ') ?? '',
      ];
    }),
    (i) => (outliers.has(names[i]!) ? 'outlier' : ''),
  );
}

function phases(s: Summary): string {
  return table(
    ['Phase', 'From', 'To', num('Target'), num('Achieved'), num('p50'), num('p99'), num('Error rate')],
    s.phases.map((p) => [
      p.name,
      nw(fmtClock(p.startS)),
      nw(fmtClock(p.endS)),
      num(fmtRate(p.targetPerS)),
      num(fmtRate(p.achievedPerS)),
      num(fmtMs(p.latencyMs.p50)),
      num(fmtMs(p.latencyMs.p99)),
      num(fmtPct(p.errorRate)),
    ]),
  );
}

function outcomes(s: Summary): string {
  const total = s.requests.completed;
  const rows = OUTCOMES.filter((o) => s.requests.byOutcome[o] > 0).map((o) => [
    { html: `<code>${o}</code>` },
    num(fmtCount(s.requests.byOutcome[o])),
    num(total > 0 ? fmtPct(s.requests.byOutcome[o] / total) : NONE),
    ERROR_OUTCOMES.includes(o) ? { html: '<span class="no">error</span>' } : '',
  ]);
  const codes = Object.entries(s.codes);
  return (
    table(['Outcome', num('Replies'), num('Share'), 'Counts as'], rows) +
    (codes.length > 0
      ? `<p class="dim">AADSTS codes seen: ${codes.map(([c, n]) => `${h(c)} × ${fmtCount(n)}`).join(', ')}</p>`
      : '')
  );
}

function failover(s: Summary): string {
  const dim = (text: string) => `<br><span class="dim">${h(text)}</span>`;
  return table(
    [
      'Event',
      num('Errors in window'),
      num('Worst p99'),
      num('Baseline p99'),
      num('Recovery'),
      'Lost agent: replies after the loss',
    ],
    s.events.map((e) => [
      { html: `<b>${h(e.label)}</b>${dim(`at ${fmtClock(e.atS)}, window to ${fmtClock(e.windowEndS)}`)}` },
      {
        html:
          `${h(`${fmtCount(e.errors)} of ${fmtCount(e.requests)}`)}` +
          (e.errors > 0
            ? dim(
                Object.entries(e.errorsByClass)
                  .map(([o, n]) => `${o} ${fmtCount(n)}`)
                  .join(', '),
              )
            : ''),
        n: true,
      },
      {
        html:
          e.worstP99AtS === null ? NONE : `${h(fmtMs(e.worstP99Ms))}${dim(`at ${fmtClock(e.worstP99AtS)}`)}`,
        n: true,
      },
      num(fmtMs(e.baselineP99Ms)),
      {
        html:
          e.recoveryS === null
            ? `<span class="no">${e.baselineP99Ms === null ? 'no baseline' : 'not recovered'}</span>`
            : h(fmtDuration(e.recoveryS)),
        n: true,
      },
      {
        html:
          e.lostAgents
            .map(
              (a) =>
                `<b>${h(a.agent)}</b>: ${h(`${fmtCount(a.ptaTimeout)} timed out (80002), ${fmtCount(a.ptaOther)} other PTA errors, ${fmtCount(a.served)} served`)}`,
            )
            .join('<br>') || NONE,
      },
    ]),
  );
}

type Hook = NonNullable<RunInfo['timeline'][number]['hook']>;

/** The hook's command and exit, with its output folded away (kept short: the full text is in run.json). */
function hookCell(hook: Hook): string {
  const head = `<code>${h(hook.command)}</code> exit ${h(String(hook.exitCode ?? 'none'))}${hook.timedOut ? ' (timed out)' : ''} in ${h(fmtMs(hook.durationMs))}`;
  const output = [hook.stdout, hook.stderr].filter((t) => t.trim() !== '').join('\n');
  if (output === '') return head;
  const clipped = output.length > 2000 ? `${output.slice(0, 2000)}\n…` : output;
  return `${head}<details><summary>output</summary><pre>${h(clipped)}</pre></details>`;
}

function timeline(run: RunInfo): string {
  const records = [...run.timeline].sort((a, b) => eventTimeMs(a) - eventTimeMs(b));
  return table(
    ['Planned', 'Applied', 'Event', 'Result', 'Hook'],
    records.map((r) => [
      nw(fmtClock(r.atMs / 1000)),
      nw(r.appliedAtMs === undefined ? NONE : fmtClock(r.appliedAtMs / 1000)),
      describeEvent(r),
      { html: r.ok ? '<span class="ok">ok</span>' : `<span class="no">failed</span> ${h(r.error ?? '')}` },
      r.hook ? { html: hookCell(r.hook) } : NONE,
    ]),
    (i) => (records[i]!.ok ? '' : 'fail'),
  );
}
