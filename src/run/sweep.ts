import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Histogram } from 'hdr-histogram-js';
import type { Summary } from '../analysis/summary.js';
import { EXIT, type ExitCode, ResultsError, UsageError } from '../errors.js';
import type { Breaker } from '../load/load-sink.js';
import { rollup } from '../metrics/totals.js';
import type { IntervalRecord, SeriesTag } from '../metrics/types.js';
import { ERROR_OUTCOMES } from '../outcome.js';
import type { Profile, Sweep } from '../profile/schema.js';
import { writeFileAtomic } from '../results/atomic-write.js';
import { SWEEP_FILE, type SweepIndex } from '../results/sweep-index.js';
import { runProfile, type SessionHooks } from './run-once.js';
import type { RunPlan } from './settings.js';
import { refineKnee } from './sweep-refine.js';

export interface SweepResult {
  readonly kind: 'sweep';
  readonly dir: string;
  readonly index: SweepIndex;
  /** One per agent count: its ramp. */
  readonly summaries: readonly { readonly agents: number; readonly summary: Summary }[];
  /** The knee probes' runs (sweeps with `refine`). */
  readonly probes: readonly { readonly agents: number; readonly summary: Summary }[];
  readonly exitCode: ExitCode;
}

/** An interval must break the stop rule this many times in a row: one noisy second does not end a step ramp. */
const CONSECUTIVE_BREAKS = 2;

/**
 * Plays the profile's phases once per agent count, each into its own results folder under `dir`, with the
 * simulator started afresh for each count (no lockouts or queues carried over). `ptaload plan` reads the lot.
 */
export async function runSweep(
  plan: RunPlan,
  dir: string,
  hooks: SessionHooks,
  signal: AbortSignal,
): Promise<SweepResult> {
  const profile = plan.profile;
  const sweep = profile.sweep!;
  if (profile.target.kind !== 'sim') {
    throw new UsageError(
      `${plan.source.path}: sweep: a sweep switches agents on and off between counts, which this version can only do with the simulated tenant. Against a real tenant, run one profile per agent count (stop the other agents' services) and give all the results folders to 'ptaload plan'.`,
    );
  }
  await mkdir(dir, { recursive: true });
  if ((await readdir(dir)).length > 0) {
    throw new ResultsError(`${dir}: the folder is not empty; give --out a new folder for the sweep.`);
  }
  const index: SweepIndex = {
    sweepVersion: 1,
    profile: profile.name,
    agentCounts: sweep.agentCounts,
    settleMs: sweep.settleMs,
    stopWhen: sweep.stopWhen,
    ...(sweep.refine ? { refine: sweep.refine } : {}),
    startedAt: new Date().toISOString(),
    status: 'running',
    runs: [],
  };
  const save = () => writeFileAtomic(join(dir, SWEEP_FILE), `${JSON.stringify(index, null, 2)}\n`);
  await save();
  const summaries: { agents: number; summary: Summary }[] = [];
  const probes: { agents: number; summary: Summary }[] = [];
  let exitCode: ExitCode = EXIT.ok;
  for (const [i, n] of sweep.agentCounts.entries()) {
    if (signal.aborted) break;
    if (i > 0 && sweep.settleMs > 0)
      await sleep(sweep.settleMs, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) break;
    const sub = `agents-${String(n).padStart(2, '0')}`;
    hooks.log(`sweep: ${n} agent(s) → ${join(dir, sub)}`);
    const one: Profile = { ...profile, agents: { ...profile.agents, list: profile.agents.list.slice(0, n) } };
    delete (one as { sweep?: unknown }).sweep;
    let stoppedEarly = false;
    const until = stopRule(sweep.stopWhen, () => {
      stoppedEarly = true;
    });
    // The load plan does not depend on which agents are active, so the step keeps the sweep's.
    const result = await runProfile({ ...plan, profile: one }, join(dir, sub), hooks, signal, {
      ...(until ? { until } : {}),
      notes: [`sweep step ${i + 1} of ${sweep.agentCounts.length}: ${n} agent(s) active`],
    });
    summaries.push({ agents: n, summary: result.summary });
    const entry: SweepIndex['runs'][number] = {
      agents: n,
      dir: sub,
      status: result.status,
      achievedPerS: result.summary.throughput.achievedPerS,
      stoppedEarly,
    };
    index.runs.push(entry);
    await save();
    if (result.status !== 'completed') {
      exitCode = result.exitCode;
      break;
    }
    if (sweep.refine) {
      const refined = await refineKnee({
        plan: { ...plan, profile: one },
        dir,
        entry,
        sweep: { ...sweep, refine: sweep.refine },
        hooks,
        signal,
        save,
      });
      for (const summary of refined.summaries) probes.push({ agents: n, summary });
      if (refined.failed !== undefined) {
        exitCode = refined.failed;
        break;
      }
    }
  }
  index.status = signal.aborted ? 'interrupted' : exitCode === EXIT.ok ? 'completed' : 'failed';
  index.endedAt = new Date().toISOString();
  await save();
  if (signal.aborted) exitCode = EXIT.interrupted;
  else if (exitCode === EXIT.ok && [...summaries, ...probes].some((s) => s.summary.generator?.limited)) {
    exitCode = EXIT.generatorLimited;
  }
  return { kind: 'sweep', dir, index, summaries, probes, exitCode };
}

/** Ends a count's ramp once intervals keep breaking the sweep's p99 or error-rate limit. */
function stopRule(stopWhen: Sweep['stopWhen'], onStop: () => void): Breaker | undefined {
  const { p99Ms, errorRate } = stopWhen;
  if (p99Ms === undefined && errorRate === undefined) return undefined;
  let breaks = 0;
  return (record: IntervalRecord, histograms: Map<SeriesTag, Histogram>) => {
    const { all, byOutcome } = rollup(histograms);
    if (all.totalCount === 0) return undefined;
    const p99 = all.getValueAtPercentile(99) / 1000;
    let errors = 0;
    for (const o of ERROR_OUTCOMES) errors += byOutcome.get(o)?.totalCount ?? 0;
    const rate = errors / all.totalCount;
    const broke = (p99Ms !== undefined && p99 > p99Ms) || (errorRate !== undefined && rate > errorRate);
    breaks = broke ? breaks + 1 : 0;
    if (breaks < CONSECUTIVE_BREAKS) return undefined;
    onStop();
    const at = (record.endMs / 1000).toFixed(0);
    return `stopped early at ${at} s (target ${record.targetRate.toFixed(0)}/s): ${CONSECUTIVE_BREAKS} intervals in a row broke the sweep's limit (p99 ${p99.toFixed(0)} ms, errors ${(rate * 100).toFixed(1)} %)`;
  };
}
