/** JUnit XML for CI pipelines: one test suite per run, one test case per threshold. Pure. */
import type { Summary } from '../analysis/summary-types.js';
import { fmtValue } from './format.js';

export interface JunitContext {
  /** The machine that ran the load (the schema asks for one; 'localhost' when unknown). */
  readonly hostname: string;
}

/**
 * The shape of the Apache Ant JUnit schema, which Jenkins, GitLab, Azure DevOps and GitHub test reporters all
 * read: `<testsuites>` holding one `<testsuite>` (name, package, id, timestamp without zone, hostname, counts,
 * time) with `<properties>`, its test cases, `<system-out>` and `<system-err>`, in that order. A failed
 * threshold is a `<failure>`; a threshold with nothing to judge (no replies) is an `<error>`, because it
 * is not a measured miss but a run that could not answer the question. A sweep is one suite per agent count.
 */
export function renderJunit(summaries: readonly Summary[], ctx: JunitContext): string {
  const suites = summaries.map((s, id) => suite(s, id, ctx));
  // The Ant schema gives <testsuites> no attributes; the totals are on each suite.
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
${suites.join('\n')}
</testsuites>
`;
}

type Verdict = Summary['thresholds'][number];
const isError = (t: Verdict) => !t.ok && t.value === null;
const isFailure = (t: Verdict) => !t.ok && t.value !== null;

function suite(s: Summary, id: number, ctx: JunitContext): string {
  const name = `ptaload ${s.profile}`;
  const classname = `ptaload.thresholds.${token(s.profile)}`;
  const cases = s.thresholds.map((t) => testcase(t, classname));
  const properties: [string, string][] = [
    ['runId', s.runId],
    ['status', s.status],
    ['target', `${s.target.kind} ${s.target.url}`],
    ['tenant', s.target.tenant],
    ['tool', `ptaload ${s.tool.version}`],
  ];
  const out = [
    `${s.profile}: ${s.status}, ${s.durationS.toFixed(1)} s, ${s.requests.completed} replies, ` +
      `achieved ${s.throughput.achievedPerS.toFixed(1)}/s of ${s.throughput.targetPerS.toFixed(1)}/s target`,
    ...s.notes.map((n) => `note: ${n}`),
  ].join('\n');
  return `  <testsuite name="${x(name)}" package="ptaload" id="${id}" timestamp="${timestamp(s.startedAt)}" hostname="${x(ctx.hostname || 'localhost')}" tests="${s.thresholds.length}" failures="${s.thresholds.filter(isFailure).length}" errors="${s.thresholds.filter(isError).length}" skipped="0" time="${seconds(s.durationS)}">
    <properties>
${properties.map(([k, v]) => `      <property name="${k}" value="${x(v)}"/>`).join('\n')}
    </properties>
${cases.join('\n')}${cases.length > 0 ? '\n' : ''}    <system-out>${x(out)}</system-out>
    <system-err></system-err>
  </testsuite>`;
}

function testcase(t: Verdict, classname: string): string {
  const open = `    <testcase name="${x(t.expression)}" classname="${x(classname)}" time="0"`;
  if (t.ok) return `${open}/>`;
  const measured = t.value === null ? (t.reason ?? 'no data') : fmtValue(t.value, t.unit);
  const message = `${t.expression}: measured ${measured}${t.agent ? ` (worst agent ${t.agent})` : ''}`;
  const tag = t.value === null ? 'error' : 'failure';
  const type = t.value === null ? 'NoData' : 'ThresholdExceeded';
  return `${open}>
      <${tag} message="${x(message)}" type="${type}">${x(message)}</${tag}>
    </testcase>`;
}

/** The schema's timestamp has no zone and no fraction: UTC is implied (the summary's times are UTC). */
function timestamp(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? m[1]! : '1970-01-01T00:00:00';
}

function seconds(s: number): string {
  return Number.isFinite(s) ? Math.max(0, s).toFixed(3) : '0.000';
}

/** xs:token-safe: no runs of white space, no dots that would nest packages in CI views. */
function token(text: string): string {
  return text.trim().replace(/[\s.]+/g, '_') || 'run';
}

function x(text: string): string {
  return (
    text
      // Characters XML 1.0 cannot carry at all.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      .replaceAll('"', '&quot;')
      .replace(/\n/g, '&#10;')
  );
}
