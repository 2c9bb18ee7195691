/**
 * The library API: what each command does, as one call (`import { run, plan } from 'ptaload'`). The command
 * line is a thin front over these same calls; nothing here prints, and errors are thrown as PtaloadError.
 */
import { mkdir } from 'node:fs/promises';
import type { Summary } from './analysis/summary.js';
import type { Redundancy } from './capacity/plan.js';
import { buildPlan, planFits } from './capacity/plan-build.js';
import type { PlanDocument } from './capacity/plan-document.js';
import { readPlanInputs } from './capacity/plan-inputs.js';
import { writePlan } from './capacity/plan-write.js';
import { compareRuns } from './compare/compare.js';
import { writeCompareReports } from './compare/compare-files.js';
import type { CompareRules, Comparison } from './compare/compare-types.js';
import { rebuildReports } from './report/rebuild.js';
import { mergeResults } from './results/merge-folders.js';
import type { SessionHooks, SessionResult } from './run/run-once.js';
import { runSession } from './run/run-session.js';
import type { RunOverrides } from './run/settings.js';
import type { SweepResult } from './run/sweep.js';
import { type SimHandle, type SimOptions, startSim as startSimulator } from './sim/server.js';
import { toolVersion } from './version.js';

export type { Summary } from './analysis/summary.js';
export type { Redundancy } from './capacity/plan.js';
export type { PlanDocument } from './capacity/plan-document.js';
export type { CompareRules, Comparison } from './compare/compare-types.js';
export { EXIT, type ExitCode, PtaloadError } from './errors.js';
export type { Profile } from './profile/schema.js';
export type { RunInfo } from './results/run-info.js';
export type { SessionResult, SimHandle, SimOptions, SweepResult };

/** `ptaload run`'s flags, plus where the run's chatter goes and how to stop it. */
export interface RunOptions extends RunOverrides, Partial<SessionHooks> {
  /** Aborting stops the schedule; the results folder is still written, marked interrupted. */
  readonly signal?: AbortSignal;
}

/** Runs a profile file (one run, or a sweep when it has `sweep:`) into a results folder, like `ptaload run`. */
export function run(profilePath: string, options: RunOptions = {}): Promise<SessionResult | SweepResult> {
  const { signal, log, targetLog, interval, progress, ...overrides } = options;
  const hooks: SessionHooks = {
    log: log ?? (() => undefined),
    ...(targetLog ? { targetLog } : {}),
    ...(interval ? { interval } : {}),
    ...(progress ? { progress } : {}),
  };
  return runSession(profilePath, overrides, hooks, signal ?? new AbortController().signal);
}

/** Rebuilds summary.json, report.md and report.html of a results folder from its own files, like `ptaload report`. */
export function report(dir: string): Promise<Summary> {
  return rebuildReports(dir);
}

export interface CompareOptions {
  readonly rules?: Partial<CompareRules>;
  /** Judge only this agent (a name in either run). */
  readonly agent?: string;
  /** Compare runs of different profiles or load schedules anyway. */
  readonly force?: boolean;
  /** Where compare.md and compare.html go (default: the candidate folder). */
  readonly out?: string;
}

/** The regression verdict of a candidate run against a baseline run, like `ptaload compare`. */
export async function compare(
  baseline: string,
  candidate: string,
  options: CompareOptions = {},
): Promise<{ comparison: Comparison; files: string[] }> {
  const comparison = await compareRuns({
    baselineDir: baseline,
    candidateDir: candidate,
    ...(options.rules ? { rules: options.rules } : {}),
    ...(options.agent === undefined ? {} : { agent: options.agent }),
    force: options.force ?? false,
  });
  const files = await writeCompareReports(options.out ?? candidate, comparison);
  return { comparison, files };
}

export interface PlanOptions {
  /** The peak sign-in rate to plan for, per second. */
  readonly peakPerS: number;
  /** Capacity above the peak, as a fraction (default 0.25). */
  readonly headroom?: number;
  /** Default N+1. */
  readonly redundancy?: Redundancy;
  /** The latency SLO the knee keeps, tenant-wide p99 in ms (default: the sweep's stop limit, else 1000). */
  readonly sloP99Ms?: number;
  /** The error rate the knee keeps, as a fraction (default: the sweep's, else 0.01). */
  readonly maxErrorRate?: number;
  /** Where plan.json, plan.md and plan.html go (default: the first folder). */
  readonly out?: string;
}

/** Agents needed for a peak, from sweep or results folders, like `ptaload plan`. `fits`: under the 40-agent limit. */
export async function plan(
  folders: readonly string[],
  options: PlanOptions,
): Promise<{ plan: PlanDocument; fits: boolean; files: string[] }> {
  const redundancy = options.redundancy ?? { kind: 'n+k', k: 1 };
  const inputs = await readPlanInputs(folders);
  const doc = buildPlan(
    inputs,
    {
      peakPerS: options.peakPerS,
      headroom: options.headroom ?? 0.25,
      redundancy,
      redundancyText: redundancyText(redundancy),
      ...(options.sloP99Ms === undefined ? {} : { sloP99Ms: options.sloP99Ms }),
      ...(options.maxErrorRate === undefined ? {} : { maxErrorRate: options.maxErrorRate }),
    },
    { at: new Date(), version: toolVersion() },
  );
  const out = options.out ?? folders[0]!;
  await mkdir(out, { recursive: true });
  const files = await writePlan(out, doc);
  return { plan: doc, fits: planFits(doc), files };
}

/** The command line's spelling of a redundancy, for the plan's reports. */
function redundancyText(r: Redundancy): string {
  if (r.kind === 'n+k') return `N+${r.k}`;
  const sites = Object.entries(r.sites);
  return sites.every(([, n]) => n === 0)
    ? `site:${sites.length}`
    : `site:${sites.map(([name, n]) => `${name}=${n}`).join(',')}`;
}

/** Adds the results folders of side-by-side shards into one folder `out` (histograms add exactly), like `ptaload merge`. */
export async function merge(
  folders: readonly string[],
  out: string,
  options: { readonly force?: boolean } = {},
): Promise<{ summary: Summary; warnings: string[] }> {
  const { warnings } = await mergeResults(folders, out, { force: options.force ?? false });
  return { summary: await rebuildReports(out), warnings };
}

/** Starts the simulated tenant in this process, like `ptaload sim`; `close()` stops it. */
export function startSim(options: SimOptions = {}): Promise<SimHandle> {
  return startSimulator(options);
}
