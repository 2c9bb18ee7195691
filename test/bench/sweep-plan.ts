/**
 * How close a real sweep's knees come to the capacity the simulator was configured for (350/s per 4-core
 * agent): the 1-2-3 agent sweep of test/e2e/sweep-plan.test.ts (with its knee probes), then the plan. On a quiet
 * machine both the 1-agent knee and the fit's λ land within 10 % of 350/s, and the knee's stated bracket holds
 * 350/s; on a busy one the generator and the simulator compete for the cores and the knee comes out lower. That is a
 * figure about the machine, so it lives here.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plan, run } from '../../src/index.js';
import { CAPACITY_PER_4_CORES } from '../../src/protocol/agent-spec.js';
import { SWEEP_PROFILE } from '../e2e/sweep-profile.js';
import type { BenchResult } from './run.js';

export async function benchSweepPlan(): Promise<BenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'ptaload-bench-sweep-'));
  try {
    const profile = join(dir, 'sweep.yaml');
    await writeFile(profile, SWEEP_PROFILE);
    const sweep = join(dir, 'sweep');
    await run(profile, { out: sweep });
    const { plan: doc } = await plan([sweep], { peakPerS: 1200 });
    const knee = doc.plan.perAgentPerS.fromOneAgentKnee ?? 0;
    const one = doc.counts.find((c) => c.agents === 1);
    const upper = one?.knee.upperPerS ?? null;
    const bracket =
      upper === null
        ? 'no bound above the 1-agent knee'
        : `capacity stated below ${upper.toFixed(1)}/s (+${((one?.knee.errorShare ?? 0) * 100).toFixed(1)} %), ${knee <= CAPACITY_PER_4_CORES && CAPACITY_PER_4_CORES <= upper ? 'which holds' : 'which does NOT hold'} the configured ${CAPACITY_PER_4_CORES}/s`;
    const lambda = doc.plan.perAgentPerS.fromFit;
    const off = (v: number) => v / CAPACITY_PER_4_CORES - 1;
    const pct = (v: number) => `${(off(v) * 100).toFixed(1)} %`;
    const within = (v: number) => (Math.abs(off(v)) <= 0.1 ? 'within 10 %' : 'NOT within 10 %');
    return {
      name: 'sweep-plan',
      figures: {
        configuredPerAgentPerS: CAPACITY_PER_4_CORES,
        oneAgentKneePerS: knee,
        fitLambdaPerS: lambda,
        kneeOff: off(knee),
        lambdaOff: off(lambda),
        oneAgentUpperPerS: upper ?? Number.NaN,
        oneAgentKneeError: one?.knee.errorShare ?? Number.NaN,
      },
      text: [
        `knees: ${doc.counts.map((c) => `${c.agents} agent(s) ${c.kneePerS ?? '-'}/s (${c.status})`).join(', ')}`,
        `1-agent knee ${knee.toFixed(1)}/s (${pct(knee)}, ${within(knee)}), fit λ ${lambda.toFixed(1)}/s (${pct(lambda)}, ${within(lambda)}) against the configured ${CAPACITY_PER_4_CORES}/s`,
        `1-agent knee after ${doc.sources.filter((s) => s.agents === 1 && s.probePerS !== undefined).length} probe(s): ${bracket}`,
      ].join('\n'),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
