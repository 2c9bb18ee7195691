import { fmtCount, fmtMs, fmtPct, fmtRate, escapeMarkdown as md, mdCode, NONE } from '../report/format.js';
import { table } from '../report/markdown.js';
import { MODEL_RULE_TEXT } from './model-select.js';
import type { PlanDocument } from './plan-document.js';
import { evidenceSteps, kneeErrorText, rampIntervalsText, sig, stepRunName } from './plan-words.js';

/** plan.md: the capacity plan as plain text, the same sections as plan.html without the chart. Pure. */
export function renderPlanMarkdown(doc: PlanDocument): string {
  const { plan } = doc;
  const f = plan.fit;
  const out: string[] = [];
  out.push(`# Capacity plan for ${fmtRate(plan.input.peakPerS)} peak`, '');
  out.push(
    `peak ${fmtRate(plan.input.peakPerS)} · headroom ${fmtPct(plan.input.headroom)} · redundancy ${md(doc.request.redundancyText)} · ` +
      `SLO p99 ≤ ${fmtMs(doc.rule.sloP99Ms)}, errors ≤ ${fmtPct(doc.rule.maxErrorRate)} · made ${md(doc.createdAt)} · ptaload ${md(doc.tool.version)}`,
    '',
  );
  if (plan.verdict) out.push(`**${md(plan.verdict.text)}**`, '');
  out.push('## Recommendation', '', ...doc.summary.flatMap((s) => [md(s), '']));
  if (doc.warnings.length > 0) out.push(...doc.warnings.map((w) => `- **Warning:** ${md(w)}`), '');

  out.push('## Knee per agent count', '');
  out.push(
    table(
      ['Agents', 'Knee', 'Knee error', 'Per agent', 'Knee step target', 'Status', 'In fit', 'Why'],
      doc.counts.map((c) => [
        String(c.agents),
        fmtRate(c.kneePerS),
        kneeErrorText(c),
        fmtRate(c.perAgentPerS),
        fmtRate(c.kneeTargetPerS),
        c.status,
        c.usedInFit ? 'yes' : '**no**',
        md(c.why),
      ]),
    ),
    '',
    `Knee rule: ${md(doc.rule.text)}`,
    '',
  );

  out.push('## Scaling model', '');
  const m = plan.model;
  if (m) {
    const u = plan.uncertainty;
    out.push(
      table(
        ['Model', 'Coefficients', 'AICc', 'ΔAICc', 'Weight', 'Chosen in resamples', 'Why not'],
        m.candidates.map((c) => [
          c.model === m.chosen ? `**${c.model}** (chosen)` : c.model,
          String(c.parameters),
          c.aicc === null ? NONE : sig(c.aicc),
          c.deltaAicc === null ? NONE : sig(c.deltaAicc),
          c.eligible ? fmtPct(c.weight) : NONE,
          u ? fmtPct(u.modelShares[c.model]) : NONE,
          md(c.why),
        ]),
      ),
      '',
      md(MODEL_RULE_TEXT),
      '',
    );
    if (u) out.push(md(u.method), '');
  }
  out.push(
    'X(N) = λ·N / (1 + σ·(N−1) + κ·N·(N−1)): λ is one agent with nothing to share, σ the cost of contention ' +
      '(work that queues for a shared resource), κ the cost of coherency (agents interfering with each other).',
    '',
  );
  out.push(
    table(
      ['λ', 'σ', 'κ', 'R²', 'RMSE', 'Residual SE', 'N*', 'Measured N', 'Held at 0'],
      [
        [
          `${sig(f.lambda)}/s`,
          sig(f.sigma),
          sig(f.kappa),
          f.r2 === null ? NONE : sig(f.r2),
          `${sig(f.rmse)}/s`,
          f.residualStdError === null ? NONE : `${sig(f.residualStdError)}/s`,
          f.nStar === null ? 'none' : sig(f.nStar),
          `${f.measuredN.min}–${f.measuredN.max}`,
          f.fixedAtZero.join(', ') || 'nothing',
        ],
      ],
    ),
    '',
  );
  out.push(
    table(
      ['Agents', 'Measured knee', 'Fitted', 'Residual'],
      f.points.map((p) => [String(p.n), fmtRate(p.measured), fmtRate(p.fitted), `${sig(p.residual)}/s`]),
    ),
    '',
  );

  out.push('## How the recommendation is worked out', '');
  out.push(...doc.arithmetic.map((a, i) => `${i + 1}. ${md(a)}`), '');

  out.push('## Predictions', '');
  out.push(
    table(
      ['Agents', 'Predicted', 'Per agent', 'Extrapolated'],
      plan.curve.map((c) => [
        String(c.agents),
        fmtRate(c.predictedPerS),
        fmtRate(c.predictedPerS / c.agents),
        c.extrapolated ? 'yes' : '',
      ]),
    ),
    '',
  );

  out.push('## Evidence: every step judged', '');
  for (const c of doc.counts) {
    out.push(`### ${c.agents} agent(s)`, '');
    const byRun = stepRunName(c, 0) !== null;
    out.push(
      table(
        [
          ...(byRun ? ['Run'] : []),
          'Target',
          'Judged',
          'Passed',
          'Achieved',
          'Worst p99',
          'Errors',
          'Verdict',
          'Reasons',
        ],
        evidenceSteps(c).shown.map(({ step: s, i }) => [
          ...(byRun ? [mdCode(stepRunName(c, i) ?? '')] : []),
          fmtRate(s.targetPerS),
          fmtCount(s.judged),
          fmtCount(s.passed),
          fmtRate(s.achievedMeanPerS),
          fmtMs(s.p99WorstMs),
          fmtPct(s.errorRateMean),
          s.verdict === 'fail' ? '**fail**' : s.verdict,
          md(s.reasons.join('; ')),
        ]),
      ),
      '',
    );
    const ramps = rampIntervalsText(evidenceSteps(c).rampIntervals);
    if (ramps) out.push(ramps, '');
  }

  out.push('## Assumptions', '', ...plan.assumptions.map((a) => `- ${md(a)}`), '');
  out.push('## Inputs', '');
  out.push(
    table(
      ['Agents', 'Folder', 'Profile', 'Target', 'Status', 'Intervals', 'Stopped at its limit'],
      doc.sources.map((s) => [
        String(s.agents),
        mdCode(s.dir),
        md(s.profile),
        s.target,
        s.status,
        `${fmtCount(s.intervals)} × ${s.intervalS} s`,
        s.stoppedEarly ? 'yes' : '',
      ]),
    ),
    '',
  );
  if (doc.notes.length > 0) out.push(...doc.notes.map((n) => `- ${md(n)}`), '');
  return `${out.join('\n')}\n`;
}
