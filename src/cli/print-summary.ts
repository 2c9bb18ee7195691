import type { Summary } from '../analysis/summary.js';
import { naturalCompare } from '../metrics/natural-order.js';
import { fmtValue } from '../report/format.js';
import type { SweepResult } from '../run/sweep.js';
import { describeKnee } from '../run/sweep-refine.js';
import { type Paint, paintFor } from './colour.js';

type Lat = { count: number; p50: number | null; p90: number | null; p99: number | null; max: number | null };

/** The few lines a person reads in the terminal when a run ends; the full story is in report.md/html. */
export function printSummary(
  s: Summary,
  dir: string,
  out: NodeJS.WritableStream & { isTTY?: boolean },
  paint: Paint = paintFor(out),
): void {
  const lines: string[] = [];
  const t = s.latencyMs.tenant as Lat;
  lines.push('');
  lines.push(
    `ptaload ${s.status === 'completed' ? s.status : paint.warn(s.status)}: ${s.durationS.toFixed(1)} s, ${s.requests.sent} sent, ${s.requests.completed} answered`,
  );
  const g = s.generator;
  if (g?.limited) {
    lines.push(`GENERATOR-LIMITED: ${g.breaches.join('; ')}`);
    lines.push(`  ${g.advice}`);
  }
  const sched = s.throughput.scheduled;
  lines.push(
    sched === null || sched === undefined
      ? `throughput  target ${s.throughput.targetPerS.toFixed(1)}/s  achieved ${s.throughput.achievedPerS.toFixed(1)}/s`
      : `schedule    ${sched} scheduled, ${s.requests.sent} sent (${ratio(s.throughput.sentOfScheduled)}), ${s.requests.completed} answered (achieved/scheduled ${ratio(s.throughput.achievedOfScheduled)})`,
  );
  if (sched !== null && sched !== undefined) {
    lines.push(
      `throughput  mean target ${s.throughput.targetPerS.toFixed(1)}/s  scheduled ${(s.throughput.scheduledPerS ?? 0).toFixed(1)}/s  achieved ${s.throughput.achievedPerS.toFixed(1)}/s`,
    );
  }
  lines.push(
    `generator   late starts ${s.schedule.lateStarts}, slip p99 ${ms(s.schedule.slipP99Ms ?? null)} max ${ms(s.schedule.maxSlipMs)}` +
      (g
        ? `, worker loop delay p99 ${ms(g.figures.loopDelayP99Ms)}, busy ${pctText(g.figures.busyShare)}`
        : ''),
  );
  lines.push(`latency     ${latText(t)}`);
  const service = s.latencyMs.service?.tenant as Lat | undefined;
  if (service && service.count > 0) {
    const wait = t.p99 !== null && service.p99 !== null ? Math.max(0, t.p99 - service.p99) : null;
    lines.push(
      `service     ${latText(service)}  (send → reply; of the p99, ${ms(service.p99)} is the tenant, ${ms(wait)} waiting for the schedule)`,
    );
  }
  const outcomes = Object.entries(s.requests.byOutcome)
    .filter(([, n]) => (n as number) > 0)
    .map(([k, n]) => `${k} ${n}`);
  lines.push(`outcomes    ${outcomes.join(', ') || 'none'}`);
  if (s.requests.errors > 0) {
    lines.push(
      paint.fail(
        `errors      ${s.requests.errors} (${((s.requests.errorRate ?? 0) * 100).toFixed(2)}% of replies)`,
      ),
    );
  }
  const agents = Object.entries(s.latencyMs.agents as Record<string, Lat>).sort(([a], [b]) =>
    naturalCompare(a, b),
  );
  if (agents.length > 0) {
    const width = Math.max(5, ...agents.map(([n]) => n.length));
    lines.push('');
    lines.push(
      `${'agent'.padEnd(width)}  ${'count'.padStart(8)}  ${'p50'.padStart(8)}  ${'p99'.padStart(8)}  ${'max'.padStart(8)}`,
    );
    for (const [name, l] of agents) {
      lines.push(
        `${name.padEnd(width)}  ${String(l.count).padStart(8)}  ${ms(l.p50).padStart(8)}  ${ms(l.p99).padStart(8)}  ${ms(l.max).padStart(8)}`,
      );
    }
  }
  if (s.thresholds.length > 0) {
    lines.push('');
    for (const th of s.thresholds) {
      const measured = th.value === null ? (th.reason ?? 'no data') : fmtValue(th.value, th.unit);
      const worst = th.agent ? `, worst ${th.agent}` : '';
      lines.push(
        `${th.ok ? paint.pass('PASS') : paint.fail('FAIL')}  ${th.expression}  (measured ${measured}${worst})`,
      );
    }
  }
  lines.push('');
  lines.push(`results: ${dir}/  (report.md, report.html, summary.json)`);
  out.write(`${lines.join('\n')}\n`);
}

function latText(l: Lat): string {
  if (!l || l.count === 0) return 'no replies';
  return `p50 ${ms(l.p50)}  p90 ${ms(l.p90)}  p99 ${ms(l.p99)}  max ${ms(l.max)}`;
}

function ratio(v: number | null | undefined): string {
  return v === null || v === undefined ? '-' : v.toFixed(3);
}

function pctText(v: number | null): string {
  return v === null ? '-' : `${(v * 100).toFixed(0)} %`;
}

function ms(v: number | null): string {
  if (v === null) return '-';
  return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 2 : 1)} ms`;
}

/** One line per agent count, and where to go next. */
export function printSweep(r: SweepResult, out: NodeJS.WritableStream): void {
  const lines = [
    '',
    `ptaload sweep ${r.index.status}: ${r.index.runs.length} of ${r.index.agentCounts.length} agent counts run`,
    '',
  ];
  lines.push(
    `${'agents'.padStart(6)}  ${'achieved'.padStart(10)}  ${'p99'.padStart(9)}  ${'errors'.padStart(7)}  status`,
  );
  for (const { agents, summary } of r.summaries) {
    const run = r.index.runs.find((x) => x.agents === agents);
    const errors =
      summary.requests.errorRate === null ? '-' : `${(summary.requests.errorRate * 100).toFixed(2)}%`;
    lines.push(
      `${String(agents).padStart(6)}  ${`${summary.throughput.achievedPerS.toFixed(0)}/s`.padStart(10)}  ${ms(summary.latencyMs.tenant.p99).padStart(9)}  ${errors.padStart(7)}  ${summary.status}${run?.stoppedEarly ? ' (stopped at its limit)' : ''}`,
    );
  }
  const refined = r.index.runs.filter((x) => x.knee);
  if (refined.length > 0) {
    lines.push('', 'knees, refined by probes (the plan states the same):');
    for (const run of refined) {
      const probes = run.probes ?? [];
      const tried = probes.map((p) => `${p.targetPerS}/s ${p.verdict ?? p.status}`).join(', ');
      lines.push(
        `${String(run.agents).padStart(6)}  ${describeKnee(run.knee!)}${probes.length > 0 ? ` [probes: ${tried}]` : ''}`,
      );
    }
  }
  lines.push(
    '',
    `results: ${r.dir}/  (one folder per agent count; next: ptaload plan ${r.dir} --peak <rate>)`,
  );
  out.write(`${lines.join('\n')}\n`);
}
