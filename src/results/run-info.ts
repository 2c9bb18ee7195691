import { z } from 'zod';

/** The files of a results folder. Every report can be rebuilt from run.json, intervals.hlog and intervals.jsonl. */
export const RESULTS_FILES = {
  run: 'run.json',
  hlog: 'intervals.hlog',
  intervals: 'intervals.jsonl',
  timeseries: 'timeseries.csv',
  agents: 'agents.csv',
  /** Sign-ins by correlation id (every failure, sampled successes); absent in folders of older versions. */
  correlation: 'correlation.csv',
  summary: 'summary.json',
  markdown: 'report.md',
  html: 'report.html',
  /** Written by `ptaload attribute`: per-agent figures from Entra's sign-in logs, and what they rest on. */
  attribution: 'attribution.json',
  attributionHlog: 'attribution.hlog',
  signIns: 'signins.jsonl',
  signInsFetch: 'signins-fetch.json',
  /** Written by `ptaload attribute --counters`: the agents' own #PTA authentications counters over the run. */
  counters: 'counters.json',
} as const;

const hookSchema = z.object({
  command: z.string(),
  exitCode: z.number().nullable(),
  timedOut: z.boolean(),
  durationMs: z.number(),
  stdout: z.string(),
  stderr: z.string(),
});

/** The profile's timeline actions; run-once's toRecord does not compile if the profile grows one this lacks. */
const TIMELINE_ACTIONS = ['add', 'remove', 'degrade', 'restore', 'fail-site', 'restore-site'] as const;
export type TimelineAction = (typeof TIMELINE_ACTIONS)[number];

/** Action-specific facts. Loose: keys this version does not know are kept, not dropped, when a folder is rewritten. */
const timelineDetailSchema = z.looseObject({
  /** The agents the event touched: one, or all of a site's. */
  agents: z.array(z.string()).optional(),
  /** degrade */
  slowFactor: z.number().optional(),
  errorRate: z.number().optional(),
  /** add: the added agent's spec */
  version: z.string().optional(),
  cores: z.number().optional(),
  capacity: z.number().optional(),
});

/** One agent-timeline event as it happened (or failed to). */
const timelineRecordSchema = z.object({
  /** Planned offset from the run's start, ms. */
  atMs: z.number(),
  /** When it was actually applied, ms since the run's start. */
  appliedAtMs: z.number().optional(),
  action: z.enum(TIMELINE_ACTIONS),
  agent: z.string().optional(),
  site: z.string().optional(),
  mode: z.string().optional(),
  detail: timelineDetailSchema.optional(),
  ok: z.boolean(),
  error: z.string().optional(),
  hook: hookSchema.optional(),
});
export type TimelineRecord = z.infer<typeof timelineRecordSchema>;

const agentInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  site: z.string(),
  cores: z.number().optional(),
  capacity: z.number().optional(),
  host: z.string().optional(),
  /** The agent's GUID as the sign-in logs name it (profile agents[].agentId). */
  agentId: z.string().optional(),
});
export type AgentInfo = z.infer<typeof agentInfoSchema>;

export const RUN_STATUSES = ['running', 'completed', 'interrupted', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** run.json: what makes a results folder self-describing. Rewritten whole (atomically) whenever it changes. */
export const runInfoSchema = z.object({
  tool: z.object({ name: z.literal('ptaload'), version: z.string() }),
  node: z.string(),
  platform: z.string(),
  runId: z.string(),
  profile: z.object({
    name: z.string(),
    path: z.string().optional(),
    /** The normalised profile, secrets removed. */
    resolved: z.unknown(),
  }),
  target: z.object({ kind: z.enum(['sim', 'entra']), url: z.string(), tenant: z.string() }),
  intervalMs: z.number().positive(),
  startedAt: z.string(),
  startEpochMs: z.number(),
  endedAt: z.string().optional(),
  status: z.enum(RUN_STATUSES),
  failure: z.object({ code: z.string(), message: z.string() }).optional(),
  workers: z.number(),
  connections: z.number(),
  shard: z
    .object({
      index: z.number(),
      count: z.number(),
      /** SHA-256 of the resolved profile: shards of one run share it (absent before 0.2). */
      profileSha256: z.string().optional(),
    })
    .optional(),
  /** A folder `ptaload merge` made: which shards it holds, which were missing, how well their time zeros lined up. */
  merged: z
    .object({
      count: z.number(),
      indices: z.array(z.number()),
      missing: z.array(z.number()),
      skewMs: z.number(),
      toleranceMs: z.number(),
    })
    .optional(),
  /** Generator limits the command line changed (--generator-limits); the rest are the defaults. Absent before 0.2. */
  generatorLimits: z
    .object({
      lateShare: z.number().optional(),
      slipP99Ms: z.number().optional(),
      loopDelayP99Ms: z.number().optional(),
      busyShare: z.number().optional(),
      queuedShare: z.number().optional(),
    })
    .optional(),
  phases: z.array(z.object({ name: z.string(), shape: z.string(), startMs: z.number(), endMs: z.number() })),
  /** The initial agent set; later additions are in the timeline. */
  agents: z.array(agentInfoSchema),
  timeline: z.array(timelineRecordSchema),
  notes: z.array(z.string()),
});
export type RunInfo = z.infer<typeof runInfoSchema>;

/** Timeline actions that take capacity away: each gets failover figures in the summary. */
export const DISRUPTIVE_ACTIONS: ReadonlySet<TimelineAction> = new Set(['remove', 'degrade', 'fail-site']);

/** When an event took effect: applied time if known, else planned. */
export function eventTimeMs(record: TimelineRecord): number {
  return record.appliedAtMs ?? record.atMs;
}

/** A short human label for a timeline record (`remove agent-2 (crash)`). */
export function describeEvent(record: TimelineRecord): string {
  const who = record.agent ?? (record.site ? `site ${record.site}` : '');
  const how = record.mode ? ` (${record.mode})` : '';
  return `${record.action}${who ? ` ${who}` : ''}${how}${record.ok ? '' : ' [failed]'}`;
}
