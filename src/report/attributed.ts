/** The report's section of per-agent figures from Entra's sign-in logs, labelled as such: Markdown and HTML. */
import type { AttributedSummary } from '../analysis/attributed.js';
import { fmtCount, fmtMs, fmtPct, escapeHtml as h, escapeMarkdown as md } from './format.js';

const INTRO =
  'From Entra’s sign-in logs (`ptaload attribute`), joined on each sign-in’s correlation id: the agent that validated the password and Entra’s own processing time (agent round trip included, client network not). The logs arrive minutes late; these are not the client-side latencies above.';

function rows(a: AttributedSummary): string[][] {
  return a.agents.map((x) => [
    x.name,
    fmtCount(x.requests),
    fmtPct(x.share),
    fmtCount(x.errors),
    fmtMs(x.processingMs.p50),
    fmtMs(x.processingMs.p99),
    `${x.firstAtS} s – ${x.lastAtS} s`,
  ]);
}
const HEAD = ['Agent', 'Sign-ins', 'Share', 'Errors', 'Entra p50', 'Entra p99', 'First – last'];

function coverageLine(a: AttributedSummary): string {
  return `Coverage: ${fmtCount(a.found)} of ${fmtCount(a.sent)} sent sign-ins found in the logs (${fmtPct(a.coverage)})${a.noAgent > 0 ? `; ${fmtCount(a.noAgent)} ended before any agent (lockout, unknown user…)` : ''}${a.unknownAgents.length > 0 ? `; ${a.unknownAgents.length} agent GUID(s) not in the profile: ${a.unknownAgents.map((u) => `${u.agentId} (${u.requests})`).join(', ')}` : ''}. Fetched ${a.fetchedAt}.`;
}

export function attributedMarkdown(
  a: AttributedSummary,
  table: (head: readonly string[], rows: readonly (readonly string[])[]) => string,
): string[] {
  return [
    '## Agents, from the sign-in logs',
    '',
    md(INTRO),
    '',
    table(
      HEAD,
      rows(a).map((r) => r.map(md)),
    ),
    '',
    md(coverageLine(a)),
    '',
    ...a.notes.map((n) => `- ${md(n)}`),
    '',
  ];
}

export function attributedHtml(a: AttributedSummary): string {
  const body = rows(a)
    .map(
      (r) => `<tr>${r.map((c, i) => `<td${i > 0 && i < 6 ? ' class="n"' : ''}>${h(c)}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<section id="attributed"><h2>Agents, from the sign-in logs</h2><p class="rules">${h(INTRO)}</p><div class="scroll"><table><thead><tr>${HEAD.map((c) => `<th>${h(c)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table></div><p>${h(coverageLine(a))}</p>${a.notes.length ? `<ul class="notes">${a.notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul>` : ''}</section>`;
}
