/** A sweep's knee refinement for one agent count: short probe runs that bisect between the last good and first bad rate. */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Summary } from '../analysis/summary.js';
import { findKnee, type KneeResult, kneeRule } from '../capacity/knee.js';
import { nextProbe } from '../capacity/knee-probe.js';
import { readPlanInputs } from '../capacity/plan-inputs.js';
import type { ExitCode } from '../errors.js';
import { probeLeadMs } from '../profile/phases.js';
import type { Phase, Profile, Sweep } from '../profile/schema.js';
import type { SweepIndex, SweepProbe } from '../results/sweep-index.js';
import { runProfile, type SessionHooks } from './run-once.js';
import type { RunPlan } from './settings.js';

export interface RefineTask {
  /** The plan of this count's ramp (its profile has the count's agents and no sweep). */
  readonly plan: RunPlan;
  /** The sweep folder. */
  readonly dir: string;
  /** This count's entry in sweep.json; its probes and knee are written into it. */
  readonly entry: SweepIndex['runs'][number];
  readonly sweep: Sweep & { readonly refine: NonNullable<Sweep['refine']> };
  readonly hooks: SessionHooks;
  readonly signal: AbortSignal;
  /** Writes sweep.json as it now stands. */
  readonly save: () => Promise<void>;
}

export interface RefineResult {
  readonly summaries: readonly Summary[];
  /** Set when a probe did not complete: the sweep stops with it. */
  readonly failed?: ExitCode;
}

/**
 * Probes the count's knee until its error is within `refine.within`, the bracket cannot narrow, or the probes run
 * out. After every probe the knee is found again over all of the count's folders with the rule the plan uses, so
 * the bracket the sweep narrows is the one `ptaload plan` will state.
 */
export async function refineKnee(task: RefineTask): Promise<RefineResult> {
  const { entry, sweep, hooks, signal } = task;
  const { refine } = sweep;
  const rule = kneeRule(sweep.stopWhen.p99Ms, sweep.stopWhen.errorRate);
  const probes: SweepProbe[] = [];
  entry.probes = probes;
  const summaries: Summary[] = [];
  let failed: ExitCode | undefined;
  for (let k = 1; ; k++) {
    const knee = await judge(task.dir, [entry.dir, ...probes.map((p) => p.dir)], rule);
    const last = probes.at(-1);
    if (last) last.verdict = verdictAt(knee, last.targetPerS);
    const next = nextProbe(knee, refine.within);
    const outOfProbes = next.kind === 'probe' && k > refine.probes;
    if (next.kind === 'done' || outOfProbes || signal.aborted || failed !== undefined) {
      const bracket = next.bracket;
      entry.knee = {
        kneePerS: knee.kneePerS,
        lowerPerS: bracket?.lowerPerS ?? knee.kneePerS,
        upperPerS: bracket?.upperPerS ?? null,
        errorShare: knee.errorShare ?? null,
        why:
          next.kind === 'done'
            ? next.why
            : outOfProbes
              ? `${refine.probes} probe(s) used (sweep.refine.probes); the knee's error is +${pct(knee.errorShare ?? 0)}`
              : 'the sweep stopped before the probes finished',
      };
      await task.save();
      hooks.log(`sweep: ${entry.agents} agent(s): knee ${describeKnee(entry.knee)}`);
      return failed === undefined ? { summaries } : { summaries, failed };
    }
    if (sweep.settleMs > 0) await sleep(sweep.settleMs, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) continue;
    const probe: SweepProbe = {
      dir: `${entry.dir}-probe-${k}`,
      targetPerS: next.ratePerS,
      lowerPerS: next.bracket.lowerPerS,
      upperPerS: next.bracket.upperPerS,
      status: 'running',
    };
    probes.push(probe);
    await task.save();
    hooks.log(
      `sweep: ${entry.agents} agent(s), probe ${k}: ${rate(probe.targetPerS)} (between ${rate(probe.lowerPerS)} and ${rate(probe.upperPerS)}) → ${join(task.dir, probe.dir)}`,
    );
    const phases = probePhases(next, refine.holdMs, task.plan.load.intervalMs);
    const profile: Profile = { ...task.plan.profile, load: { ...task.plan.profile.load, phases } };
    const result = await runProfile(
      { ...task.plan, profile, load: { ...task.plan.load, phases } },
      join(task.dir, probe.dir),
      hooks,
      signal,
      {
        notes: [
          `sweep knee probe ${k} for ${entry.agents} agent(s): ${rate(probe.targetPerS)} held for ${refine.holdMs / 1000} s after a lead-in ramp, ${probe.lowerPerS > 0 ? `between the knee so far, ${rate(probe.lowerPerS)}, and the bound above it, ${rate(probe.upperPerS)}` : `below the bound ${rate(probe.upperPerS)}, as no step passed`}`,
        ],
      },
    );
    probe.status = result.status;
    summaries.push(result.summary);
    if (result.status !== 'completed') failed = result.exitCode;
  }
}

/** The lead-in ramp (warm, below the bracket, too steep to form a step) and the held rate. */
function probePhases(
  probe: { readonly ratePerS: number; readonly leadFromPerS: number; readonly leadToPerS: number },
  holdMs: number,
  intervalMs: number,
): Phase[] {
  const leadMs = probeLeadMs(holdMs, intervalMs);
  return [
    { name: 'lead-in', shape: 'ramp', durationMs: leadMs, from: probe.leadFromPerS, to: probe.leadToPerS },
    { name: 'probe', shape: 'constant', durationMs: holdMs, rate: probe.ratePerS },
  ];
}

/** The count's knee over its ramp and probes so far, read back from the folders exactly as the plan reads them. */
async function judge(
  sweepDir: string,
  dirs: readonly string[],
  rule: ReturnType<typeof kneeRule>,
): Promise<KneeResult> {
  const inputs = await readPlanInputs(dirs.map((d) => join(sweepDir, d)));
  return findKnee(inputs.counts[0]?.points ?? [], rule);
}

/** How the knee rule judged the step held at `targetPerS` (the last such step: a probe comes after the ramp). */
function verdictAt(knee: KneeResult, targetPerS: number): NonNullable<SweepProbe['verdict']> {
  const step = knee.steps
    .filter((s) => Math.abs(s.targetPerS - targetPerS) <= 0.01 * targetPerS)
    .sort((a, b) => b.firstPoint - a.firstPoint)[0];
  if (!step || step.verdict === 'too-short') return 'unjudged';
  return step.verdict;
}

export function describeKnee(knee: NonNullable<SweepIndex['runs'][number]['knee']>): string {
  const at = knee.kneePerS === null ? 'none' : rate(knee.kneePerS);
  const error =
    knee.errorShare === null
      ? ''
      : `, capacity below ${rate(knee.upperPerS ?? 0)} (+${pct(knee.errorShare)})`;
  return `${at}${error}: ${knee.why}`;
}

function rate(perS: number): string {
  return `${Math.round(perS * 10) / 10}/s`;
}

function pct(share: number): string {
  return `${Math.round(share * 1000) / 10} %`;
}
