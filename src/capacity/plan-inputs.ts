import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_GENERATOR_LIMITS, judgeGenerator } from '../analysis/generator-health.js';
import { ResultsError } from '../errors.js';
import { decodeHistogram } from '../metrics/histogram.js';
import { type IntervalStats, intervalStats } from '../metrics/interval-stats.js';
import { newHistogram } from '../metrics/latency.js';
import { ERROR_OUTCOMES } from '../outcome.js';
import { readAttribution } from '../results/attribution-file.js';
import { openResults } from '../results/reader.js';
import { RESULTS_FILES, type RunStatus } from '../results/run-info.js';
import { SWEEP_FILE, type SweepIndex } from '../results/sweep-index.js';
import type { KneePoint } from './knee.js';

/** One results folder as the plan uses it. */
export interface PlanSource {
  readonly dir: string;
  /** The sweep folder it was found through, or null when given directly. */
  readonly sweep: string | null;
  /** Active agents: run.json's initial agent set. */
  readonly agents: number;
  readonly profile: string;
  readonly runId: string;
  readonly target: 'sim' | 'entra';
  readonly status: RunStatus;
  readonly intervals: number;
  readonly intervalS: number;
  /** Its sweep ended the ramp at the sweep's stop limits (stopWhen) before the phases ran out. */
  readonly stoppedEarly: boolean;
  /** The limits that stopped it (from sweep.json); null outside a sweep. */
  readonly stopWhen: { readonly p99Ms?: number; readonly errorRate?: number } | null;
  readonly timelineEvents: number;
  /** The simulator's configured capacity per agent when every agent has the same; null otherwise or for a real tenant. */
  readonly configuredPerAgentPerS: number | null;
  /** What the generator's own figures broke (empty: it measured the tenant). Absent in plans of earlier versions. */
  readonly generatorBreaches?: readonly string[];
  /** The run was one of its sweep's knee probes, holding this rate. Absent otherwise. */
  readonly probePerS?: number;
}

/** Every interval of every run with one agent count, runs in the order given. */
interface CountPoints {
  readonly agents: number;
  readonly sources: readonly PlanSource[];
  /** Runs concatenated; between two runs, one idle point (target 0) so a step never spans two runs. */
  readonly points: readonly KneePoint[];
  /** Where each source's points begin in `points`. */
  readonly runStarts: readonly number[];
}

export interface PlanInputs {
  readonly counts: readonly CountPoints[];
  /** What the reader noticed that the reader of the plan should know (combined runs, timelines, stopped runs…). */
  readonly notes: readonly string[];
}

const sweepIndexSchema = z.looseObject({
  sweepVersion: z.literal(1),
  profile: z.string(),
  status: z.string(),
  stopWhen: z.object({ p99Ms: z.number().optional(), errorRate: z.number().optional() }).optional(),
  runs: z.array(
    z.looseObject({
      agents: z.number().int().positive(),
      dir: z.string(),
      stoppedEarly: z.boolean(),
      probes: z.array(z.looseObject({ dir: z.string(), targetPerS: z.number() })).optional(),
    }),
  ),
}) satisfies z.ZodType<Pick<SweepIndex, 'sweepVersion' | 'profile'>>;

const FIX =
  'give `ptaload plan` a sweep folder (the --out of a profile with `sweep:`) or results folders written by `ptaload run`';

/** Reads sweep folders and single results folders (any mix) into knee points grouped by agent count. */
export async function readPlanInputs(paths: readonly string[]): Promise<PlanInputs> {
  if (paths.length === 0) throw new ResultsError(`no results given; ${FIX}.`);
  const notes: string[] = [];
  const runs: { source: PlanSource; points: KneePoint[] }[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    for (const found of await expand(path, notes)) {
      if (seen.has(found.dir)) {
        notes.push(`${found.dir} was given more than once; read once.`);
        continue;
      }
      seen.add(found.dir);
      runs.push(await readRun(found, notes));
    }
  }
  return { counts: groupByAgents(runs, notes), notes };
}

/** A run's intervals as knee points: replies/s, target rate, tenant p99 and the share of error outcomes. */
function kneePoints(series: readonly IntervalStats[], agents: number): KneePoint[] {
  return series.map((s) => {
    const errors = ERROR_OUTCOMES.reduce((n, o) => n + s.byOutcome[o], 0);
    const lengthS = Math.max(s.endS - s.startS, 0.001);
    return {
      agents,
      achievedPerS: s.achievedRate,
      targetPerS: s.targetRate,
      ...(s.scheduled === null ? {} : { scheduledPerS: s.scheduled / lengthS }),
      p99Ms: s.tenant.count > 0 ? s.tenant.p99 : null,
      errorRate: s.completed > 0 ? errors / s.completed : 0,
    };
  });
}

/** Groups runs by agent count (ascending), joining runs of one count with an idle point between them. */
function groupByAgents(
  runs: readonly { source: PlanSource; points: readonly KneePoint[] }[],
  notes: string[],
): CountPoints[] {
  const byAgents = new Map<number, { source: PlanSource; points: readonly KneePoint[] }[]>();
  for (const run of runs) byAgents.set(run.source.agents, [...(byAgents.get(run.source.agents) ?? []), run]);
  return [...byAgents.keys()]
    .sort((a, b) => a - b)
    .map((agents) => {
      const group = byAgents.get(agents)!;
      const probes = group.filter((g) => g.source.probePerS !== undefined);
      if (probes.length > 0 && probes.length === group.length - 1) {
        notes.push(
          `${agents} agent(s): the knee was refined by ${probes.length} probe(s) at ${probes.map((g) => `${g.source.probePerS}/s`).join(', ')} (${group[0]!.source.dir}-probe-*), each a short run judged with the ramp's steps by the same rule.`,
        );
      } else if (group.length > 1) {
        notes.push(
          `${agents} agent(s): ${group.length} runs (${group.map((g) => g.source.dir).join(', ')}) combined into one knee: their steps are judged together, and the first failing step of either ends the knee.`,
        );
      }
      const gap: KneePoint = { agents, achievedPerS: 0, targetPerS: 0, p99Ms: null, errorRate: 0 };
      const points = group.flatMap((g, i) => (i === 0 ? g.points : [gap, ...g.points]));
      const runStarts: number[] = [];
      group.reduce((at, g, i) => {
        runStarts.push(at + (i === 0 ? 0 : 1));
        return at + (i === 0 ? 0 : 1) + g.points.length;
      }, 0);
      return { agents, sources: group.map((g) => g.source), points, runStarts };
    });
}

/** A folder to read, with what its sweep (if any) said about it. */
interface Found {
  readonly dir: string;
  readonly sweep: {
    readonly dir: string;
    readonly agents: number;
    readonly stoppedEarly: boolean;
    readonly stopWhen: NonNullable<PlanSource['stopWhen']>;
    readonly probePerS?: number;
  } | null;
}

async function expand(path: string, notes: string[]): Promise<Found[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isDirectory()) throw new ResultsError(`${path}: no such folder; ${FIX}.`);
  const sweepText = await readFile(join(path, SWEEP_FILE), 'utf8').catch(() => undefined);
  if (sweepText === undefined) {
    const hasRun = await stat(join(path, RESULTS_FILES.run)).catch(() => undefined);
    if (!hasRun) {
      throw new ResultsError(
        `${path}: neither ${SWEEP_FILE} nor ${RESULTS_FILES.run} is in it, so it is not a sweep or results folder; ${FIX}.`,
      );
    }
    return [{ dir: path, sweep: null }];
  }
  const index = parseSweepIndex(path, sweepText);
  if (index.status !== 'completed') {
    notes.push(
      `${path}: the sweep is ${index.status}; the ${index.runs.length} agent count(s) it recorded are used.`,
    );
  }
  if (index.runs.length === 0) {
    throw new ResultsError(
      `${path}: the sweep recorded no run (status ${index.status}); run the sweep to the end of at least one agent count, then plan again.`,
    );
  }
  const stopWhen = index.stopWhen ?? {};
  const found: Found[] = [];
  for (const r of index.runs) {
    found.push({
      dir: join(path, r.dir),
      sweep: { dir: path, agents: r.agents, stoppedEarly: r.stoppedEarly, stopWhen },
    });
    for (const p of r.probes ?? []) {
      const dir = join(path, p.dir);
      // A sweep stopped as a probe began lists it before the probe wrote anything.
      if (!(await stat(join(dir, RESULTS_FILES.run)).catch(() => undefined))) {
        notes.push(
          `${dir}: the knee probe at ${p.targetPerS}/s wrote no results (the sweep stopped first); left out.`,
        );
        continue;
      }
      found.push({
        dir,
        sweep: { dir: path, agents: r.agents, stoppedEarly: false, stopWhen, probePerS: p.targetPerS },
      });
    }
  }
  return found;
}

function parseSweepIndex(path: string, text: string): z.infer<typeof sweepIndexSchema> {
  const file = join(path, SWEEP_FILE);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ResultsError(
      `${file}: not valid JSON (${(err as Error).message}); the file is damaged, rerun the sweep.`,
    );
  }
  const parsed = sweepIndexSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ResultsError(
      `${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}; this is not a sweep.json written by ptaload (or a newer, incompatible version).`,
    );
  }
  return parsed.data;
}

async function readRun({ dir, sweep }: Found, notes: string[]) {
  const opened = await openResults(dir);
  const run = opened.run;
  const attributed = run.target.kind === 'entra' ? await readAttribution(dir) : undefined;
  const serving = attributed?.agents.filter((a) => a.requests > 0) ?? [];
  // On a real tenant the profile lists the agents; the sign-in logs say which of them actually served.
  const agents =
    attributed && attributed.coverage.share >= 0.9 && serving.length > 0 ? serving.length : run.agents.length;
  if (attributed && serving.length > 0) {
    const spanS = Math.max(1, series0EndS(opened) ?? 1);
    notes.push(
      `${dir}: from the sign-in logs (${Math.round(attributed.coverage.share * 100)} % of sign-ins found), ${serving.length} agent(s) served: ${serving.map((a) => `${a.name} ${Math.round((a.requests / spanS) * 10) / 10}/s`).join(', ')}${agents !== run.agents.length ? `; counted at ${agents} agent(s), not the profile's ${run.agents.length}` : ''}.`,
    );
  }
  if (agents === 0) {
    throw new ResultsError(
      `${join(dir, RESULTS_FILES.run)}: the run had no agents, so it says nothing about capacity per agent; leave it out of the plan.`,
    );
  }
  const series: IntervalStats[] = [];
  const slip = newHistogram(64);
  for await (const { record, histograms } of opened.intervals()) {
    series.push(intervalStats(record, histograms, undefined, run.intervalMs));
    if (record.slip !== undefined) slip.add(decodeHistogram(record.slip));
  }
  const generator = judgeGenerator(
    series,
    slip.totalCount > 0 ? slip.getValueAtPercentile(99) / 1000 : null,
    { ...DEFAULT_GENERATOR_LIMITS, ...run.generatorLimits },
  );
  for (const note of opened.notes) notes.push(`${dir}: ${note}`);
  if (sweep && sweep.agents !== agents) {
    notes.push(
      `${dir}: sweep.json says ${sweep.agents} agent(s), run.json lists ${agents}; run.json is used.`,
    );
  }
  if (run.timeline.length > 0) {
    notes.push(
      `${dir}: the run changed its agents during the run (${run.timeline.length} timeline event(s)); it is counted at its initial ${agents} agent(s). A capacity plan wants runs with a fixed set of agents.`,
    );
  }
  if (run.status !== 'completed') {
    notes.push(`${dir}: the run is ${run.status}; the ${series.length} interval(s) it recorded are used.`);
  }
  const capacities = new Set(run.agents.map((a) => a.capacity));
  const capacity = run.agents[0]?.capacity;
  const source: PlanSource = {
    dir,
    sweep: sweep?.dir ?? null,
    agents,
    profile: run.profile.name,
    runId: run.runId,
    target: run.target.kind,
    status: run.status,
    intervals: series.length,
    intervalS: run.intervalMs / 1000,
    stoppedEarly: sweep?.stoppedEarly ?? false,
    stopWhen: sweep?.stopWhen ?? null,
    timelineEvents: run.timeline.length,
    configuredPerAgentPerS:
      run.target.kind === 'sim' && capacities.size === 1 && capacity !== undefined ? capacity : null,
    generatorBreaches: generator.breaches,
    ...(sweep?.probePerS !== undefined ? { probePerS: sweep.probePerS } : {}),
  };
  return { source, points: kneePoints(series, agents) };
}

/** The end of a run's recorded intervals, in seconds, from its records (undefined when there are none). */
function series0EndS(opened: {
  readonly records: readonly { readonly endMs: number }[];
}): number | undefined {
  const last = opened.records.at(-1);
  return last ? last.endMs / 1000 : undefined;
}
