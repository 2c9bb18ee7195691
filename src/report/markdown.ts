import type { Analysis, Summary } from '../analysis/summary-types.js';
import { naturalSort } from '../metrics/natural-order.js';
import { ERROR_OUTCOMES, OUTCOMES } from '../outcome.js';
import { describeEvent, eventTimeMs, type RunInfo } from '../results/run-info.js';
import { attributedMarkdown } from './attributed.js';
import {
  fmtClock,
  fmtCount,
  fmtDuration,
  fmtMs,
  fmtPct,
  fmtRate,
  fmtValue,
  escapeMarkdown as md,
  mdCode,
  NONE,
} from './format.js';
import { generatorBanner, generatorRows, scheduleLine, serviceSplit } from './generator-words.js';

export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** report.md: the run in numbers, readable as plain text and in any Markdown viewer. Pure. */
export function renderMarkdown(run: RunInfo, analysis: Analysis): string {
  const s = analysis.summary;
  const out: string[] = [];
  out.push(`# ptaload report: ${md(s.profile)}`, '');
  out.push(
    `**${s.status}**${s.thresholds.length > 0 ? (s.passed ? ' · thresholds passed' : ' · thresholds FAILED') : ''} · ` +
      `run ${md(s.runId)} · started ${md(s.startedAt)} · ${fmtDuration(s.durationS)} · ` +
      `target ${md(s.target.kind)} ${md(s.target.url)} (tenant ${md(s.target.tenant)}) · ptaload ${md(s.tool.version)}`,
    '',
  );
  const banner = generatorBanner(s);
  if (banner) out.push(`> **${md(banner)}**`, '');
  out.push('## Headline', '', headline(s), '');
  const schedule = scheduleLine(s);
  const split = serviceSplit(s);
  if (schedule) out.push(md(`Schedule: ${schedule}.`), '');
  if (split) out.push(md(`Latency: ${split}`), '');
  const health = generatorRows(s);
  if (health.length > 0) {
    out.push('## Generator health', '');
    out.push(
      table(
        ['Figure', 'Measured', 'Limit', 'Result'],
        health.map(([name, v, limit, over]) => [md(name), v, limit, over ? '**OVER**' : 'ok']),
      ),
      '',
    );
  }
  if (s.thresholds.length > 0) {
    out.push('## Thresholds', '');
    out.push(
      table(
        ['Threshold', 'Result', 'Measured'],
        s.thresholds.map((t) => [
          mdCode(t.expression),
          t.ok ? 'pass' : '**FAIL**',
          `${fmtValue(t.value, t.unit)}${t.agent ? ` (${md(t.agent)})` : ''}${t.reason ? ` — ${md(t.reason)}` : ''}`,
        ]),
      ),
      '',
    );
  }
  if (s.phases.length > 0) {
    out.push('## Phases', '');
    out.push(
      table(
        ['Phase', 'From', 'To', 'Target', 'Achieved', 'p50', 'p99', 'Error rate'],
        s.phases.map((p) => [
          md(p.name),
          fmtClock(p.startS),
          fmtClock(p.endS),
          fmtRate(p.targetPerS),
          fmtRate(p.achievedPerS),
          fmtMs(p.latencyMs.p50),
          fmtMs(p.latencyMs.p99),
          fmtPct(p.errorRate),
        ]),
      ),
      '',
    );
  }
  out.push('## Agents', '', agentsTable(s), '');
  if (s.attributed) out.push(...attributedMarkdown(s.attributed, table));
  out.push('## Outcomes', '', outcomesTable(s), '');
  const codes = Object.entries(s.codes);
  if (codes.length > 0) {
    out.push('AADSTS codes seen: ' + codes.map(([c, n]) => `${md(c)} × ${fmtCount(n)}`).join(', '), '');
  }
  if (s.events.length > 0) out.push('## Failover', '', failover(s), '', `_${md(s.failoverRules)}_`, '');
  if (run.timeline.length > 0) out.push('## Timeline', '', timeline(run), '');
  if (s.notes.length > 0) out.push('## Notes', '', ...s.notes.map((n) => `- ${md(n)}`), '');
  return out.join('\n');
}

function headline(s: Summary): string {
  const t = s.latencyMs.tenant;
  return table(
    ['Figure', 'Value'],
    [
      ['Target rate (mean)', fmtRate(s.throughput.targetPerS)],
      ...(s.throughput.scheduled === null || s.throughput.scheduled === undefined
        ? [
            [
              'Achieved (replies)',
              `${fmtRate(s.throughput.achievedPerS)} (${fmtPct(s.throughput.achievedShare)} of target)`,
            ],
          ]
        : [
            [
              'Scheduled (what the seeded schedule drew)',
              `${fmtCount(s.throughput.scheduled)} (${fmtRate(s.throughput.scheduledPerS ?? null)})`,
            ],
            [
              'Achieved (replies)',
              `${fmtRate(s.throughput.achievedPerS)} (achieved/scheduled ${s.throughput.achievedOfScheduled?.toFixed(3) ?? NONE}, sent/scheduled ${s.throughput.sentOfScheduled?.toFixed(3) ?? NONE})`,
            ],
          ]),
      ['Peak interval (full intervals only)', fmtRate(s.throughput.peakIntervalPerS)],
      ['Requests sent / replies', `${fmtCount(s.requests.sent)} / ${fmtCount(s.requests.completed)}`],
      ['In flight at end', fmtCount(s.requests.inFlightAtEnd)],
      ['Error rate', `${fmtPct(s.requests.errorRate)} (${fmtCount(s.requests.errors)})`],
      ['Latency p50 / p90 / p99 (all replies)', `${fmtMs(t.p50)} / ${fmtMs(t.p90)} / ${fmtMs(t.p99)}`],
      ['Latency p99.9 / max', `${fmtMs(t.p999)} / ${fmtMs(t.max)}`],
      ['Successful sign-ins p99', fmtMs(s.latencyMs.tenantSuccess.p99)],
      ...(s.latencyMs.service
        ? [
            [
              'Service time p50 / p99 (send → reply, uncorrected)',
              `${fmtMs(s.latencyMs.service.tenant.p50)} / ${fmtMs(s.latencyMs.service.tenant.p99)}`,
            ],
          ]
        : []),
      ['Late starts / worst slip', `${fmtCount(s.schedule.lateStarts)} / ${fmtMs(s.schedule.maxSlipMs)}`],
    ],
  );
}

function agentsTable(s: Summary): string {
  const names = naturalSort(Object.keys(s.agents));
  if (names.length === 0)
    return '_No reply named an agent (a real tenant does not); figures are tenant-wide._';
  return table(
    ['Agent', 'Site', 'Version', 'Replies', 'Share', 'p50', 'p90', 'p99', 'max', 'Errors', 'Seen'],
    names.map((name) => {
      const a = s.agents[name]!;
      const l = s.latencyMs.agents[name]!;
      const errors = ERROR_OUTCOMES.reduce((n, o) => n + a.byOutcome[o], 0);
      return [
        md(name),
        md(a.site ?? NONE),
        md(a.version ?? NONE),
        fmtCount(a.requests),
        fmtPct(a.share),
        fmtMs(l.p50),
        fmtMs(l.p90),
        fmtMs(l.p99),
        fmtMs(l.max),
        fmtCount(errors),
        `${fmtClock(a.firstSeenS)} – ${fmtClock(a.lastSeenS)}`,
      ];
    }),
  );
}

function outcomesTable(s: Summary): string {
  const total = s.requests.completed;
  const seen = OUTCOMES.filter((o) => s.requests.byOutcome[o] > 0);
  const rows = seen.map((o) => [
    mdCode(o),
    fmtCount(s.requests.byOutcome[o]),
    total > 0 ? fmtPct(s.requests.byOutcome[o] / total) : NONE,
    ERROR_OUTCOMES.includes(o) ? 'error' : '',
  ]);
  const zero = OUTCOMES.length - seen.length;
  return `${table(['Outcome', 'Replies', 'Share', ''], rows)}\n\n${zero} other class(es): none.`;
}

function failover(s: Summary): string {
  return table(
    ['Event', 'At', 'Errors in window', 'Worst p99', 'Baseline p99', 'Recovery', 'Lost agent replies'],
    s.events.map((e) => [
      md(e.label),
      fmtClock(e.atS),
      `${fmtCount(e.errors)}${
        e.errors > 0
          ? ` (${Object.entries(e.errorsByClass)
              .map(([o, n]) => `${o} ${n}`)
              .join(', ')})`
          : ''
      } of ${fmtCount(e.requests)}`,
      e.worstP99AtS === null ? NONE : `${fmtMs(e.worstP99Ms)} at ${fmtClock(e.worstP99AtS)}`,
      fmtMs(e.baselineP99Ms),
      e.recoveryS === null
        ? e.baselineP99Ms === null
          ? 'no baseline'
          : 'not recovered'
        : fmtDuration(e.recoveryS),
      e.lostAgents
        .map(
          (a) =>
            `${md(a.agent)}: ${a.ptaTimeout} timed out, ${a.ptaOther} other PTA errors, ${a.served} served`,
        )
        .join('; ') || NONE,
    ]),
  );
}

function timeline(run: RunInfo): string {
  return table(
    ['Planned', 'Applied', 'Event', 'Result'],
    [...run.timeline]
      .sort((a, b) => eventTimeMs(a) - eventTimeMs(b))
      .map((r) => [
        fmtClock(r.atMs / 1000),
        r.appliedAtMs === undefined ? NONE : fmtClock(r.appliedAtMs / 1000),
        md(describeEvent(r)),
        md(
          [
            r.ok ? 'ok' : `failed${r.error ? `: ${r.error}` : ''}`,
            r.hook
              ? `hook exit ${r.hook.exitCode ?? 'none'}${r.hook.timedOut ? ' (timed out)' : ''} in ${fmtMs(r.hook.durationMs)}`
              : '',
          ]
            .filter(Boolean)
            .join('; '),
        ),
      ]),
  );
}
