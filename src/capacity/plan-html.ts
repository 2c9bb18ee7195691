import { fmtCount, fmtMs, fmtPct, fmtRate, escapeHtml as h, NONE } from '../report/format.js';
import { fmtDate, kpi, num, REPORT_CSP, table } from '../report/html.js';
import { REPORT_CSS, REPORT_SCRIPT } from '../report/html-style.js';
import { MODEL_RULE_TEXT } from './model-select.js';
import { planFits } from './plan-build.js';
import { capacityChart, capacityMarkers } from './plan-chart.js';
import type { PlanDocument } from './plan-document.js';
import type { Interval } from './plan-uncertainty.js';
import {
  evidenceSteps,
  kneeErrorText,
  rampIntervalsText,
  redundancyWords,
  sig,
  stepRunName,
} from './plan-words.js';

/** plan.html: the capacity plan in the report's look, self-contained like report.html. Pure. */
export function renderPlanHtml(doc: PlanDocument): string {
  const { plan } = doc;
  const profiles = [...new Set(doc.sources.map((s) => s.profile))].join(', ');
  const markers = capacityMarkers(doc);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(`Capacity plan · ${fmtRate(plan.input.peakPerS)} peak · ptaload`)}</title>
<style>${REPORT_CSS}</style></head>
<body>
<header class="top"><div class="wrap">
<div class="brand">ptaload · PTA agent capacity plan</div>
<h1>Capacity plan for ${h(fmtRate(plan.input.peakPerS))} peak</h1>
<p class="desc">${h(`From ${profiles}: ${doc.counts.length} agent count(s) measured (${doc.counts.map((c) => c.agents).join(', ')}).`)}</p>
<div class="meta"><span>${verdictPill(doc)}</span>
<span><b>Peak</b>${h(fmtRate(plan.input.peakPerS))}</span><span><b>Headroom</b>${h(fmtPct(plan.input.headroom))}</span>
<span><b>Redundancy</b>${h(doc.request.redundancyText)}</span>
<span><b>SLO</b>${h(`p99 ≤ ${fmtMs(doc.rule.sloP99Ms)}, errors ≤ ${fmtPct(doc.rule.maxErrorRate)}`)}</span>
<span><b>Made</b>${h(fmtDate(doc.createdAt))}</span><span><b>Tool</b>ptaload ${h(doc.tool.version)}</span></div>
</div></header>
<main class="wrap">
${kpis(doc)}
<section id="recommendation"><h2>Recommendation</h2>${doc.summary.map((s) => `<p>${h(s)}</p>`).join('\n')}
${doc.warnings.length > 0 ? `<ul class="notes">${doc.warnings.map((w) => `<li class="no">${h(w)}</li>`).join('')}</ul>` : ''}
</section>
<section id="curve"><h2>Capacity curve</h2>${capacityChart(doc)}
<ol class="events">${markers.map((m) => `<li>${h(m.label)}</li>`).join('')}</ol>
</section>
<section id="counts"><h2>Knee per agent count</h2>${countsTable(doc)}<p class="rules">${h(doc.rule.text)}</p></section>
<section id="fit"><h2>Scaling model</h2>${modelTable(doc)}${fitTables(doc)}</section>
<section id="arithmetic"><h2>How the recommendation is worked out</h2><ol>${doc.arithmetic.map((a) => `<li>${h(a)}</li>`).join('')}</ol></section>
<section id="predictions"><h2>Predictions</h2><details><summary>${h(`Predicted throughput for 1–${plan.input.maxAgents} agents`)}</summary>${predictions(doc)}</details></section>
<section id="evidence"><h2>Evidence: every step judged</h2>${evidence(doc)}</section>
<section id="assumptions"><h2>Assumptions</h2><ul class="notes">${plan.assumptions.map((a) => `<li>${h(a)}</li>`).join('')}</ul></section>
<section id="inputs"><h2>Inputs</h2>${inputs(doc)}
${doc.notes.length > 0 ? `<ul class="notes">${doc.notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul>` : ''}</section>
</main>
<footer><div class="wrap">Throughput is what the tenant answered per second (any outcome), measured per interval; the knee is judged per agent count and the Universal Scalability Law fitted across counts. Every number here is in plan.json beside this file.</div></footer>
<script>${REPORT_SCRIPT}</script>
</body></html>
`;
}

function verdictPill(doc: PlanDocument): string {
  const v = doc.plan.verdict;
  if (!v) {
    const ok = planFits(doc);
    return `<span class="pill ${ok ? 'pass' : 'fail'}">${ok ? 'fits under the limit' : 'does not fit'}</span>`;
  }
  const tone = v.kind === 'fits' ? 'pass' : v.kind === 'uncertain' ? 'warn' : 'fail';
  return `<span class="pill ${tone}">${h(v.text.split(';')[0]!)}</span>`;
}

function kpis(doc: PlanDocument): string {
  const { plan } = doc;
  const rec = plan.recommendation;
  const one = plan.perAgentPerS.fromOneAgentKnee;
  return `<section class="kpis" id="kpis">${[
    kpi(
      'Agents needed',
      rec.recommendedAgents === null ? NONE : String(rec.recommendedAgents),
      (rec.servingAgents === null
        ? 'no agent count carries the peak'
        : `${rec.servingAgents} serve + ${rec.redundancyAgents ?? 0} for ${redundancyWords(plan)}`) +
        ciText(plan.uncertainty?.recommendedAgents, String),
      planFits(doc) ? 'good' : plan.verdict?.kind === 'uncertain' ? '' : 'bad',
    ),
    kpi(
      'Per agent at the SLO',
      fmtRate(one ?? plan.fit.lambda),
      (one === null ? 'fit λ (no 1-agent run)' : `1-agent knee · fit λ ${fmtRate(plan.fit.lambda)}`) +
        ciText(plan.uncertainty?.perAgentPerS, fmtRate),
    ),
    kpi(
      `${plan.input.maxAgents} agents carry`,
      fmtRate(plan.ceiling.predictedPerS),
      `a peak up to ${fmtRate(plan.ceiling.maxPeakPerS)} with headroom`,
    ),
    kpi(
      `Model: ${plan.fit.model ?? 'usl'}`,
      plan.fit.r2 === null ? NONE : `R² ${plan.fit.r2.toFixed(3)}`,
      `σ ${sig(plan.fit.sigma)} · κ ${sig(plan.fit.kappa)}`,
      plan.fit.r2 !== null && plan.fit.r2 < 0.9 ? 'bad' : '',
    ),
  ].join('')}</section>`;
}

/** " · 95 %: 5–6" when the interval is known. */
function ciText(ci: Interval | undefined, fmt: (v: number) => string): string {
  if (!ci) return '';
  const end = (v: number | null) => (v === null ? 'none' : fmt(v));
  return ` · 95 %: ${end(ci.low)}–${end(ci.high)}`;
}

function countsTable(doc: PlanDocument): string {
  return table(
    [
      'Agents',
      num('Knee'),
      num('Knee error'),
      num('Per agent'),
      num('Knee step target'),
      'Status',
      'Why',
      'In fit',
      'Runs',
    ],
    doc.counts.map((c) => [
      { html: `<b>${c.agents}</b>` },
      num(fmtRate(c.kneePerS)),
      num(kneeErrorText(c)),
      num(fmtRate(c.perAgentPerS)),
      num(fmtRate(c.kneeTargetPerS)),
      c.status,
      c.why,
      c.usedInFit ? { html: '<span class="ok">yes</span>' } : { html: '<span class="no">no</span>' },
      c.runs.join(', '),
    ]),
    (i) => (doc.counts[i]!.usedInFit ? '' : 'fail'),
  );
}

function modelTable(doc: PlanDocument): string {
  const m = doc.plan.model;
  if (!m) return '';
  const u = doc.plan.uncertainty;
  return (
    table(
      [
        'Model',
        num('Coefficients'),
        num('SSE'),
        num('AICc'),
        num('ΔAICc'),
        num('Weight'),
        num('Chosen in resamples'),
        'Why not',
      ],
      m.candidates.map((c) => [
        c.model === m.chosen ? { html: `<b>${h(c.model)}</b> (chosen)` } : c.model,
        num(String(c.parameters)),
        num(c.sse === null ? NONE : sig(c.sse)),
        num(c.aicc === null ? NONE : sig(c.aicc)),
        num(c.deltaAicc === null ? NONE : sig(c.deltaAicc)),
        num(c.eligible ? fmtPct(c.weight) : NONE),
        num(u ? fmtPct(u.modelShares[c.model]) : NONE),
        c.why,
      ]),
    ) + `<p class="rules">${h(MODEL_RULE_TEXT)}${u ? ` ${h(u.method)}` : ''}</p>`
  );
}

function fitTables(doc: PlanDocument): string {
  const f = doc.plan.fit;
  const rows: [string, string][] = [
    ['λ (one agent, no contention)', `${sig(f.lambda)}/s`],
    ['σ (contention)', sig(f.sigma)],
    ['κ (coherency)', sig(f.kappa)],
    ['R²', f.r2 === null ? NONE : sig(f.r2)],
    ['RMSE', `${sig(f.rmse)}/s`],
    ['Residual standard error', f.residualStdError === null ? NONE : `${sig(f.residualStdError)}/s`],
    [
      'Peak of the curve N*',
      f.nStar === null ? 'none (κ = 0)' : `${sig(f.nStar)} agents, ${fmtRate(f.xAtNStar)}`,
    ],
    ['Contention ceiling λ/σ', f.amdahlLimit === null ? 'none (σ = 0)' : fmtRate(f.amdahlLimit)],
    ['Measured agent counts', `${f.measuredN.min}–${f.measuredN.max} (${f.measuredN.distinct} distinct)`],
    ['Held at 0', f.fixedAtZero.length > 0 ? f.fixedAtZero.join(', ') : 'nothing'],
    ['Solver', `${f.iterations} iterations, ${f.converged ? 'converged' : 'NOT converged'}`],
  ];
  return (
    table(
      ['Figure', num('Value')],
      rows.map(([k, v]) => [k, num(v)]),
    ) +
    table(
      [num('Agents'), num('Measured knee'), num('Fitted'), num('Residual')],
      f.points.map((p) => [
        num(String(p.n)),
        num(fmtRate(p.measured)),
        num(fmtRate(p.fitted)),
        num(`${p.residual >= 0 ? '+' : ''}${sig(p.residual)}/s`),
      ]),
    )
  );
}

function predictions(doc: PlanDocument): string {
  return table(
    [num('Agents'), num('Predicted'), num('Per agent'), 'Extrapolated'],
    doc.plan.curve.map((c) => [
      num(String(c.agents)),
      num(fmtRate(c.predictedPerS)),
      num(fmtRate(c.predictedPerS / c.agents)),
      c.extrapolated ? 'yes' : '',
    ]),
  );
}

function evidence(doc: PlanDocument): string {
  return doc.counts
    .map((c) => {
      const byRun = stepRunName(c, 0) !== null;
      const { shown, rampIntervals } = evidenceSteps(c);
      const ramps = rampIntervalsText(rampIntervals);
      return `<details><summary>${h(`${c.agents} agent(s): ${shown.length} step(s), ${c.status}`)}</summary>${ramps ? `<p class="rules">${h(ramps)}</p>` : ''}${table(
        [
          ...(byRun ? ['Run'] : []),
          num('Target'),
          num('Intervals'),
          num('Judged'),
          num('Passed'),
          num('Achieved'),
          num('Worst p99'),
          num('Errors'),
          'Verdict',
          'Reasons',
        ],
        shown.map(({ step: s, i }) => [
          ...(byRun ? [{ html: `<code>${h(stepRunName(c, i) ?? '')}</code>` }] : []),
          num(fmtRate(s.targetPerS)),
          num(fmtCount(s.intervals)),
          num(fmtCount(s.judged)),
          num(fmtCount(s.passed)),
          num(fmtRate(s.achievedMeanPerS)),
          num(fmtMs(s.p99WorstMs)),
          num(fmtPct(s.errorRateMean)),
          s.verdict === 'fail' ? { html: '<span class="no">fail</span>' } : s.verdict,
          s.reasons.join('; '),
        ]),
        (row) => (shown[row]!.step.verdict === 'fail' ? 'fail' : ''),
      )}</details>`;
    })
    .join('\n');
}

function inputs(doc: PlanDocument): string {
  return table(
    [num('Agents'), 'Folder', 'Profile', 'Target', 'Status', num('Intervals'), 'Stopped at its limit'],
    doc.sources.map((s) => [
      num(String(s.agents)),
      { html: `<code>${h(s.dir)}</code>` },
      s.profile,
      s.target,
      s.status,
      num(`${fmtCount(s.intervals)} × ${s.intervalS} s`),
      s.stoppedEarly ? 'yes' : '',
    ]),
  );
}
