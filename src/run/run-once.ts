/** One run of one loaded profile into one results folder: open the target, drive the load, write the folder, rebuild its reports. */
import { createHash } from 'node:crypto';
import type { Summary } from '../analysis/summary.js';
import { EXIT, type ExitCode, PtaloadError, ResultsError } from '../errors.js';
import { type LiveOutputs, openLiveOutputs } from '../live/live-outputs.js';
import { runLoad } from '../load/coordinator.js';
import type { LoadPlan } from '../load/load-plan.js';
import type { Breaker, TimelineOutcome } from '../load/load-sink.js';
import { startWorkerThreads } from '../load/worker-pool.js';
import type { Profile } from '../profile/schema.js';
import { rebuildReports } from '../report/rebuild.js';
import { describeEvent, eventTimeMs, type RunInfo, type TimelineRecord } from '../results/run-info.js';
import { type Recorded, ResultsWriter } from '../results/writer.js';
import { openTarget } from '../targets/open.js';
import { toolVersion } from '../version.js';
import { breakersFor } from './breakers.js';
import type { RunPlan, StartRule } from './settings.js';
import { BARRIER_DEFAULTS, startAtInstant, waitAtBarrier } from './start-barrier.js';

export interface SessionHooks {
  /** Timeline events, notes and warnings meant for the person watching. */
  log(line: string): void;
  /** The target's own chatter (the simulator's log); shown only when asked for. */
  targetLog?(line: string): void;
  interval?: Parameters<typeof runLoad>[2]['interval'];
  progress?: Parameters<typeof runLoad>[2]['progress'];
}

export interface SessionResult {
  readonly kind: 'run';
  readonly dir: string;
  readonly status: RunInfo['status'];
  readonly summary: Summary;
  readonly exitCode: ExitCode;
  /** Why the run stopped early as failed (a breaker, the target), in words for the console. */
  readonly failure?: string;
}

/** One run of one resolved plan into `dir`. */
export async function runProfile(
  settings: RunPlan,
  dir: string,
  hooks: SessionHooks,
  signal: AbortSignal,
  extra: { until?: Breaker; notes?: readonly string[]; overwrite?: boolean } = {},
): Promise<SessionResult> {
  // The safety settings in force were settled when the profile was read (run/run-profile).
  const { source, profile } = settings;
  // The worker threads load while the target starts (a million users take a while to lay out).
  const threads = startWorkerThreads(settings.load.workers);
  let target: Awaited<ReturnType<typeof openTarget>>;
  try {
    target = await openTarget(profile, {
      profileDir: source.dir,
      log: hooks.targetLog ?? (() => undefined),
      entra: settings.entra,
    });
  } catch (err) {
    await threads.destroy();
    throw err;
  }
  const startedAt = new Date();
  const shard = settings.load.shard;
  // What tells shards of one run from shards of another: the same resolved profile, the same run id.
  const profileSha256 = createHash('sha256').update(JSON.stringify(profile)).digest('hex');
  const runId =
    settings.runId ??
    (shard ? `${profile.name}-${profileSha256.slice(0, 8)}` : (dir.split(/[\\/]/).pop() ?? dir));
  const run: RunInfo = {
    tool: { name: 'ptaload', version: toolVersion() },
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    runId,
    profile: { name: profile.name, path: source.path, resolved: profile },
    target: { kind: target.kind, url: target.url, tenant: target.tenant },
    intervalMs: settings.load.intervalMs,
    startedAt: startedAt.toISOString(),
    startEpochMs: startedAt.getTime(),
    status: 'running',
    workers: settings.load.workers,
    connections: settings.load.connections,
    ...(settings.generatorLimits ? { generatorLimits: settings.generatorLimits } : {}),
    ...(shard ? { shard: { ...shard, profileSha256 } } : {}),
    phases: phaseSpans(profile),
    agents: target.agents.map((a) => ({ ...a })),
    timeline: [],
    notes: [...settings.notes, ...(extra.notes ?? [])],
  };
  let writer: ResultsWriter;
  let live: LiveOutputs | undefined;
  try {
    live = await openLiveOutputs(
      settings.live,
      {
        run_id: run.runId,
        shard: shard ? `${shard.index}/${shard.count}` : '0/1',
        profile: profile.name,
        tenant: target.tenant,
      },
      hooks.log,
    );
    writer = await ResultsWriter.create(dir, run, { overwrite: extra.overwrite === true });
  } catch (err) {
    await live?.close();
    await target.close();
    await threads.destroy();
    throw err;
  }
  const timeline: TimelineRecord[] = [];
  const notes: string[] = [...settings.notes, ...(extra.notes ?? [])];
  const plan: LoadPlan = { ...settings.load, runId: run.runId };
  let result: Awaited<ReturnType<typeof runLoad>> | undefined;
  let crash: unknown;
  let scheduleStartKnown = false;
  // Any write that failed (an interval, sign-ins, run.json) stops the run: the folder would no longer hold it all.
  const folderBreaker: Breaker = () =>
    writer.failure === undefined
      ? undefined
      : `the results folder cannot be written: ${String(writer.failure)}`;
  try {
    result = await runLoad(
      plan,
      target,
      {
        interval: async (record, histograms) => {
          // The coordinator does not wait on this hook: a write that fails (a full disk) is kept by the writer, and stops the run.
          const written = await writer.appendInterval(record, histograms).then(
            () => true,
            () => false,
          );
          if (!written) return;
          live?.interval(record, histograms);
          hooks.interval?.(record, histograms);
        },
        timeline: async (outcome) => {
          const record = toRecord(outcome);
          timeline.push(record);
          live?.event(record.action, record.agent);
          hooks.log(logLine(record));
          // A failure (a full disk) is kept by the writer and stops the run; the final run.json still gets the timeline.
          await writer.updateRun({ timeline: [...timeline] }).catch(() => undefined);
        },
        note: (text) => {
          notes.push(text);
          hooks.log(`note: ${text}`);
        },
        progress: (figures) => {
          if (!scheduleStartKnown && figures.elapsedMs > 0) {
            // The schedule's time zero, so the CSVs' UTC columns are right from the first interval on
            // (run.json gets the coordinator's exact figure when the run ends).
            scheduleStartKnown = true;
            // A failure here (a full disk) is told by the next write the run awaits.
            writer
              .updateRun({ startEpochMs: Math.round(Date.now() - figures.elapsedMs) })
              .catch(() => undefined);
          }
          live?.tick(figures);
          hooks.progress?.(figures);
        },
        signIns: (rows) => {
          writer.appendSignIns(rows).catch(() => undefined);
        },
      },
      {
        signal,
        runner: threads,
        breakers: [folderBreaker, ...breakersFor(profile, target)],
        ...(extra.until ? { until: extra.until } : {}),
        ...(settings.start
          ? { startAt: startGate(settings.start, { runId, profileSha256, shard, log: hooks.log, signal }) }
          : {}),
      },
    );
  } catch (err) {
    crash = err;
  } finally {
    await target.close().catch(() => undefined);
  }
  if (writer.failure !== undefined && crash === undefined)
    crash = withRecorded(writer.failure, writer.recorded);
  const status: RunInfo['status'] = crash ? 'failed' : (result?.status ?? 'failed');
  const failureMessage = crash instanceof Error ? crash.message : result?.failure;
  const failureCode =
    crash instanceof PtaloadError ? crash.code : crash ? 'INTERNAL' : 'TARGET_MISCONFIGURED';
  let summary: Summary | undefined;
  try {
    // One last rewrite, in space the folder reserved at the start: it tells how the run ended even on a full disk.
    await writer.finish({
      // Time zero is when the schedule started, not when the process did.
      ...(result?.startEpochMs ? { startEpochMs: result.startEpochMs } : {}),
      status,
      endedAt: new Date().toISOString(),
      timeline,
      notes,
      ...(failureMessage ? { failure: { code: failureCode, message: failureMessage } } : {}),
    });
    summary = await rebuildReports(dir);
  } catch (err) {
    // A folder that cannot be written (a full disk) after the run already failed: the first cause is the one to tell.
    if (!crash) crash = err;
  } finally {
    await live?.close();
    await writer.close().catch(() => undefined);
  }
  if (crash || !summary) throw crash;
  return {
    kind: 'run',
    dir,
    status,
    summary,
    exitCode: exitCodeFor(status, summary, failureMessage),
    ...(failureMessage ? { failure: failureMessage } : {}),
  };
}

/** A failed write into the folder, with how much of the run the folder kept before it. */
function withRecorded(failure: unknown, recorded: Recorded): unknown {
  if (!(failure instanceof ResultsError)) return failure;
  const n = recorded.intervals;
  const kept =
    n === 0
      ? 'no interval had been recorded before it'
      : `${n} interval${n === 1 ? '' : 's'} (the first ${(recorded.endMs / 1000).toFixed(1)} s) had been recorded before it, and are kept`;
  return new ResultsError(`${failure.message} The run was stopped there: ${kept}.`);
}

function exitCodeFor(status: RunInfo['status'], summary: Summary, failure: string | undefined): ExitCode {
  if (status === 'interrupted') return EXIT.interrupted;
  if (status === 'failed') return failure ? EXIT.target : EXIT.failed;
  if (summary.generator?.limited) return EXIT.generatorLimited;
  return summary.thresholds.every((t) => t.ok) ? EXIT.ok : EXIT.failed;
}

function toRecord(o: TimelineOutcome): TimelineRecord {
  const e = o.event;
  return {
    atMs: e.atMs,
    appliedAtMs: Math.round(o.appliedAtMs),
    action: e.action,
    ...('agent' in e ? { agent: typeof e.agent === 'string' ? e.agent : e.agent.name } : {}),
    ...('site' in e ? { site: e.site } : {}),
    ...('mode' in e ? { mode: e.mode } : {}),
    detail: {
      agents: [...o.agents],
      ...(e.action === 'degrade' ? { slowFactor: e.slowFactor, errorRate: e.errorRate } : {}),
      ...(e.action === 'add'
        ? { version: e.agent.version, cores: e.agent.cores, capacity: e.agent.capacity }
        : {}),
    },
    ...(e.action === 'add' ? { site: e.agent.site } : {}),
    ok: o.ok,
    ...(o.error ? { error: o.error } : {}),
    ...(o.hook ? { hook: o.hook } : {}),
  };
}

/** `[12.0s] remove agent-2 (crash)`, with the error when it failed. */
function logLine(r: TimelineRecord): string {
  const at = `[${(eventTimeMs(r) / 1000).toFixed(1)}s]`;
  return `${at} ${describeEvent(r)}${r.ok ? '' : `: ${r.error ?? 'unknown error'}`}`;
}

function phaseSpans(profile: Profile): RunInfo['phases'] {
  let t = 0;
  return profile.load.phases.map((p) => {
    const span = { name: p.name, shape: p.shape, startMs: t, endMs: t + p.durationMs };
    t += p.durationMs;
    return span;
  });
}

/** Time zero for `--start-at` or `--barrier`, asked once every worker is ready. */
function startGate(
  rule: StartRule,
  ctx: {
    runId: string;
    profileSha256: string;
    shard: { index: number; count: number } | undefined;
    log: (line: string) => void;
    signal: AbortSignal;
  },
): () => Promise<number> {
  if (rule.kind === 'at') return async () => startAtInstant(rule.epochMs);
  const shard = ctx.shard ?? { index: 0, count: 1 };
  return () =>
    waitAtBarrier(
      {
        dir: rule.dir,
        index: shard.index,
        count: shard.count,
        runId: ctx.runId,
        profileSha256: ctx.profileSha256,
        leadMs: rule.leadMs,
        timeoutMs: rule.timeoutMs,
        pollMs: BARRIER_DEFAULTS.pollMs,
      },
      { log: ctx.log, signal: ctx.signal },
    );
}
