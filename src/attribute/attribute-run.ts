/** `ptaload attribute`: per-agent figures for a real-tenant run, from Entra's sign-in logs joined on correlation id. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Histogram } from 'hdr-histogram-js';
import { ResultsError, UsageError } from '../errors.js';
import { createHistogram } from '../metrics/histogram.js';
import { latencyStatsMs } from '../metrics/latency.js';
import { parseSeriesTag } from '../metrics/types.js';
import { simAgentId } from '../protocol/graph-signin.js';
import { writeFileAtomic } from '../results/atomic-write.js';
import { type AttributionFile, attributionSchema } from '../results/attribution-file.js';
import { readCorrelationFile } from '../results/correlation-file.js';
import { hlogHeader, hlogLine } from '../results/hlog.js';
import { readRun } from '../results/reader.js';
import { RESULTS_FILES, type RunInfo } from '../results/run-info.js';
import { type GraphAuthFlags, GraphTokens, graphCredential } from '../targets/entra/graph-auth.js';
import { graphEndpoints } from '../targets/entra/graph-endpoints.js';
import {
  type GraphClock,
  REPORTING_LIMIT,
  RequestBudget,
  SignInLogClient,
  signInsUrl,
} from '../targets/entra/graph-signins.js';
import { createDispatcher } from '../transport/dispatcher.js';
import { proxyFromEnv } from '../transport/proxy-env.js';
import { toolVersion } from '../version.js';
import { fetchSignIns } from './fetch.js';
import { attribute } from './join.js';

export interface AttributeOptions {
  readonly graph: GraphAuthFlags;
  /** Graph's origin when it is not the cloud's own (a stand-in tenant on loopback serves it beside its authority). */
  readonly graphUrl?: string;
  readonly pollMs: number;
  readonly waitMs: number;
  readonly settleAfter: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
  readonly clock?: GraphClock;
  /** Requests per window the client allows itself (the reporting API's published limit by default). */
  readonly budget?: { readonly requests: number; readonly windowMs: number };
}

const SYSTEM_CLOCK: GraphClock = {
  nowMs: () => Date.now(),
  wait: (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}),
};
/** Logs are searched from a minute before time zero to a few minutes after the end (clocks and queues differ). */
const BEFORE_MS = 60_000;
const AFTER_MS = 5 * 60_000;

export async function attributeRun(dir: string, o: AttributeOptions): Promise<AttributionFile> {
  const run = await readRun(dir);
  const resolved = run.profile.resolved as ResolvedShape;
  const target = resolved?.target;
  if (!target || typeof target.clientId !== 'string' || typeof target.tenant !== 'string') {
    throw new ResultsError(
      `${dir}: run.json names no tenant and client id; ptaload attribute needs a run against a tenant (target.kind: entra, or the sim).`,
    );
  }
  const kept = await readCorrelationFile(join(dir, RESULTS_FILES.correlation));
  if (kept.length === 0) {
    throw new ResultsError(
      `${dir}: no correlation.csv (or it is empty): the run kept no correlation ids, so there is nothing to look up. Runs from ptaload 0.2 on keep them.`,
    );
  }
  const complete = resolved.load?.correlation === 'all';
  const endMs = run.endedAt ? Date.parse(run.endedAt) : Date.now();
  const query = {
    fromIso: new Date(run.startEpochMs - BEFORE_MS).toISOString(),
    toIso: new Date(endMs + AFTER_MS).toISOString(),
    appId: target.clientId,
  };
  const endpoints = graphEndpoints(run.target.url, target.tenant, o.graphUrl);
  const clock = o.clock ?? SYSTEM_CLOCK;
  const ca = typeof target.ca === 'string' ? await readCa(target.ca) : undefined;
  const dispatcherFor = (origin: string) =>
    createDispatcher({
      origin,
      connections: 1,
      connectTimeoutMs: 10_000,
      headersTimeoutMs: 60_000,
      bodyTimeoutMs: 60_000,
      ...(ca ? { ca } : {}),
      ...(proxyFromEnv(o.env, origin) ? { proxy: proxyFromEnv(o.env, origin)! } : {}),
    });
  const graphDispatcher = dispatcherFor(endpoints.graph.origin);
  const tokenDispatcher =
    endpoints.token.origin === endpoints.graph.origin
      ? graphDispatcher
      : dispatcherFor(endpoints.token.origin);
  try {
    const tokens = new GraphTokens(
      await graphCredential(o.graph, o.env),
      endpoints.token,
      tokenDispatcher,
      clock.nowMs,
    );
    o.log(
      `sign-in logs: ${endpoints.graph.origin} as ${tokens.describe()}, app ${query.appId}, ${query.fromIso} to ${query.toIso}`,
    );
    const client = new SignInLogClient({
      tokens,
      dispatcher: graphDispatcher,
      clock,
      budget: new RequestBudget(clock, o.budget ?? REPORTING_LIMIT),
      log: o.log,
    });
    const ids = new Set(kept.map((k) => k.correlationId.toLowerCase()));
    const fetched = await fetchSignIns(
      { rows: join(dir, RESULTS_FILES.signIns), state: join(dir, RESULTS_FILES.signInsFetch) },
      {
        client,
        clock,
        firstUrl: (q) => signInsUrl(endpoints.graph.href, q),
        query,
        target: ids.size,
        wanted: (rows) => {
          let n = 0;
          for (const r of rows.values()) if (r.correlationId && ids.has(r.correlationId.toLowerCase())) n++;
          return n;
        },
        pollMs: o.pollMs,
        deadlineMs: clock.nowMs() + o.waitMs,
        settleAfter: o.settleAfter,
        log: o.log,
        ...(o.signal ? { signal: o.signal } : {}),
      },
    );
    const inventory = agentInventory(run);
    const result = attribute(kept, fetched.rows.values(), run, inventory);
    await writeHlog(dir, run, result.intervals);
    const byAgent = mergeByAgent(result.intervals);
    const sent = (await sentOf(dir)) ?? kept.length;
    const file: AttributionFile = {
      attributionVersion: 1,
      source: 'entra-sign-in-logs',
      fetchedAt: new Date(clock.nowMs()).toISOString(),
      window: { from: query.fromIso, to: query.toIso, appId: query.appId },
      fetch: {
        passes: fetched.passes,
        pages: fetched.pages,
        rows: fetched.rows.size,
        why: fetched.why,
        resumed: fetched.resumed,
      },
      coverage: {
        sent,
        kept: result.coverage.kept,
        found: result.coverage.found,
        share: sent === 0 ? 0 : round3(result.coverage.found / sent),
        notFoundByOutcome: result.coverage.notFoundByOutcome as Record<string, number>,
        noAgentByCode: result.coverage.noAgentByCode,
        unmatchedLogEntries: result.coverage.unmatchedLogEntries,
        complete,
      },
      agents: result.agents.map((a) => ({
        name: a.name,
        agentId: a.agentId,
        requests: a.requests,
        byOutcome: a.byOutcome,
        processingMs: latency(byAgent.get(a.name)),
        firstAtS: round3((a.firstAtMs - run.startEpochMs) / 1000),
        lastAtS: round3((a.lastAtMs - run.startEpochMs) / 1000),
      })),
      unknownAgents: result.unknownAgents,
      notes: notes(complete, fetched.why, result.unknownAgents.length, result.coverage.share),
    };
    await writeFileAtomic(
      join(dir, RESULTS_FILES.attribution),
      `${JSON.stringify(attributionSchema.parse(file), null, 2)}\n`,
    );
    return file;
  } finally {
    await graphDispatcher.close();
    if (tokenDispatcher !== graphDispatcher) await tokenDispatcher.close();
  }
}

interface ResolvedShape {
  readonly target?: {
    readonly kind?: string;
    readonly clientId?: unknown;
    readonly tenant?: unknown;
    readonly ca?: unknown;
  };
  readonly load?: { readonly correlation?: unknown };
  readonly agents?: {
    readonly list?: readonly { name: string; agentId?: string }[];
    readonly timeline?: readonly { action: string; agent?: unknown }[];
  };
}

/** Agent GUID → name: the profile's `agentId`s; for the simulator, the GUID it derives from each name. */
function agentInventory(run: RunInfo): { byId: Map<string, string> } {
  const byId = new Map<string, string>();
  const resolved = run.profile.resolved as ResolvedShape;
  const specs: { name: string; agentId?: string }[] = [...(resolved.agents?.list ?? [])];
  for (const e of resolved.agents?.timeline ?? []) {
    if (e.action === 'add' && typeof e.agent === 'object' && e.agent !== null)
      specs.push(e.agent as { name: string; agentId?: string });
  }
  for (const a of run.agents) specs.push(a);
  for (const s of specs) {
    const id = s.agentId ?? (run.target.kind === 'sim' ? simAgentId(s.name) : undefined);
    if (id) byId.set(id.toLowerCase(), s.name);
  }
  return { byId };
}

function mergeByAgent(
  intervals: ReadonlyMap<number, ReadonlyMap<string, Histogram>>,
): Map<string, Histogram> {
  const out = new Map<string, Histogram>();
  for (const perTag of intervals.values()) {
    for (const [tag, h] of perTag) {
      const agent = parseSeriesTag(tag)?.agent ?? tag;
      const total = out.get(agent) ?? createHistogram();
      total.add(h);
      out.set(agent, total);
    }
  }
  return out;
}

async function writeHlog(
  dir: string,
  run: RunInfo,
  intervals: ReadonlyMap<number, ReadonlyMap<string, Histogram>>,
) {
  let text = hlogHeader(run.startEpochMs, toolVersion());
  for (const index of [...intervals.keys()].sort((a, b) => a - b)) {
    const perTag = intervals.get(index)!;
    const start = index * run.intervalMs;
    const total = createHistogram();
    for (const tag of [...perTag.keys()].sort()) {
      text += hlogLine(tag as never, start, start + run.intervalMs, perTag.get(tag)!);
      total.add(perTag.get(tag)!);
    }
    text += hlogLine('', start, start + run.intervalMs, total);
  }
  await writeFileAtomic(join(dir, RESULTS_FILES.attributionHlog), text);
}

function latency(h: Histogram | undefined): AttributionFile['agents'][number]['processingMs'] {
  const s = latencyStatsMs(h);
  return { count: s.count, p50: s.p50, p90: s.p90, p99: s.p99, max: s.max };
}

function notes(complete: boolean, why: string, unknown: number, share: number): string[] {
  const out = [
    'Per-agent figures come from Entra’s sign-in logs: processing time is Entra’s own (agent round trip included), not the client’s latency, and the logs arrive minutes late.',
  ];
  if (!complete)
    out.push(
      'The run kept every failure but only a sample of successes by correlation id: per-agent counts cover the kept sign-ins. Set load.correlation: all for complete figures.',
    );
  if (why !== 'complete' && share < 1)
    out.push(
      `Not every kept sign-in was found in the logs (${Math.round(share * 1000) / 10} %; the fetch ${why === 'deadline' ? 'hit its --wait deadline' : 'stopped finding new entries'}); run ptaload attribute again later to continue.`,
    );
  if (unknown > 0)
    out.push(
      `${unknown} agent GUID(s) in the logs are not in the profile: add agents[].agentId (read on each agent server, see the PTA FAQ) to name them.`,
    );
  return out;
}

async function readCa(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read the CA file ${path} named in run.json (target.ca): ${(err as NodeJS.ErrnoException).code ?? 'error'}.`,
    );
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Sign-ins the run sent, from its summary; undefined when the folder has no summary yet. */
async function sentOf(dir: string): Promise<number | undefined> {
  try {
    const s = JSON.parse(await readFile(join(dir, RESULTS_FILES.summary), 'utf8')) as {
      requests?: { sent?: unknown };
    };
    return typeof s.requests?.sent === 'number' ? s.requests.sent : undefined;
  } catch {
    return undefined;
  }
}
