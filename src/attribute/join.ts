/** The join: a run's kept sign-ins by correlation id × Entra's sign-in logs → per-agent counts, processing times, coverage. */
import type { Histogram } from 'hdr-histogram-js';
import { createHistogram, HIGHEST_US } from '../metrics/histogram.js';
import { type SeriesTag, seriesTag } from '../metrics/types.js';
import { OUTCOMES, type Outcome } from '../outcome.js';
import { type GraphSignIn, ptaAgentId } from '../protocol/graph-signin.js';
import type { CorrelationRecord } from '../results/correlation-file.js';
import { outcomeOfCode } from '../transport/aadsts-outcomes.js';

export interface AgentInventory {
  /** Agent GUID (lower case) → the name the profile gives it. */
  readonly byId: ReadonlyMap<string, string>;
}

interface AttributedAgent {
  readonly name: string;
  readonly agentId: string;
  readonly requests: number;
  readonly byOutcome: Record<Outcome, number>;
  /** Epoch ms of the first and last sign-in this agent validated (by intended start). */
  readonly firstAtMs: number;
  readonly lastAtMs: number;
}

interface Coverage {
  /** Sign-ins the run kept by correlation id (all of them when load.correlation is 'all'). */
  readonly kept: number;
  readonly found: number;
  readonly share: number;
  /** Kept sign-ins with no log entry yet, by the outcome the client saw (a network error never reached Entra). */
  readonly notFoundByOutcome: Partial<Record<Outcome, number>>;
  /** Found, but no agent validated the password (lockout, unknown user, config errors…), by AADSTS code. */
  readonly noAgentByCode: Record<string, number>;
  /** Log entries of the run's app and window that match no kept sign-in (other traffic, or sampled out). */
  readonly unmatchedLogEntries: number;
}

export interface Attribution {
  readonly agents: AttributedAgent[];
  readonly unknownAgents: { readonly agentId: string; readonly requests: number }[];
  readonly coverage: Coverage;
  /** Interval index (by intended start) → `agent/outcome` (agent `agent:<guid>` when unknown) → Entra's processing time, µs. */
  readonly intervals: Map<number, Map<SeriesTag, Histogram>>;
}

/**
 * Joins on correlation id (case-insensitive, as Entra lower-cases it). Each sign-in counts once, in the
 * interval its schedule meant it to start, so per-agent figures line up with the run's own timeline.
 */
export function attribute(
  kept: readonly CorrelationRecord[],
  logs: Iterable<GraphSignIn>,
  run: { readonly startEpochMs: number; readonly intervalMs: number },
  inventory: AgentInventory,
): Attribution {
  const byCorrelation = new Map<string, CorrelationRecord>();
  for (const k of kept) byCorrelation.set(k.correlationId.toLowerCase(), k);
  const seen = new Set<string>();
  const agents = new Map<
    string,
    { agentId: string; byOutcome: Record<Outcome, number>; first: number; last: number }
  >();
  const unknown = new Map<string, number>();
  const noAgentByCode: Record<string, number> = {};
  const intervals = new Map<number, Map<SeriesTag, Histogram>>();
  let unmatched = 0;

  for (const s of logs) {
    const id = s.correlationId?.toLowerCase();
    const mine = id === undefined ? undefined : byCorrelation.get(id);
    if (!mine || seen.has(id!)) {
      if (!mine) unmatched++;
      continue;
    }
    seen.add(id!);
    const code = s.status?.errorCode ?? 0;
    const outcome: Outcome = code === 0 ? 'success' : (outcomeOfCode(code) ?? 'other');
    const agentId = ptaAgentId(s);
    if (agentId === undefined) {
      noAgentByCode[String(code)] = (noAgentByCode[String(code)] ?? 0) + 1;
      continue;
    }
    const name = inventory.byId.get(agentId);
    if (name === undefined) unknown.set(agentId, (unknown.get(agentId) ?? 0) + 1);
    const key = name ?? `agent:${agentId}`;
    const at = Date.parse(mine.intendedStart);
    const a = agents.get(key) ?? { agentId, byOutcome: zero(), first: at, last: at };
    a.byOutcome[outcome]++;
    a.first = Math.min(a.first, at);
    a.last = Math.max(a.last, at);
    agents.set(key, a);
    const index = Math.max(0, Math.floor((at - run.startEpochMs) / run.intervalMs));
    const perAgent = intervals.get(index) ?? new Map<SeriesTag, Histogram>();
    const tag = seriesTag(key, outcome);
    const h = perAgent.get(tag) ?? createHistogram();
    const ms = s.processingTimeInMilliseconds;
    // Graph gives whole ms; a value beyond the histogram's hour (an odd reply) counts at its top, not as a crash.
    if (typeof ms === 'number' && ms >= 0) h.recordValue(Math.min(HIGHEST_US, Math.round(ms * 1000)));
    perAgent.set(tag, h);
    intervals.set(index, perAgent);
  }

  const notFoundByOutcome: Partial<Record<Outcome, number>> = {};
  for (const [id, k] of byCorrelation) {
    if (!seen.has(id)) notFoundByOutcome[k.outcome] = (notFoundByOutcome[k.outcome] ?? 0) + 1;
  }
  const list = [...agents.entries()]
    .filter(([name]) => !name.startsWith('agent:'))
    .map(([name, a]) => ({
      name,
      agentId: a.agentId,
      requests: OUTCOMES.reduce((n, o) => n + a.byOutcome[o], 0),
      byOutcome: a.byOutcome,
      firstAtMs: a.first,
      lastAtMs: a.last,
    }))
    .sort((x, y) => x.name.localeCompare(y.name, 'en', { numeric: true }));
  return {
    agents: list,
    unknownAgents: [...unknown.entries()].map(([agentId, requests]) => ({ agentId, requests })),
    coverage: {
      kept: byCorrelation.size,
      found: seen.size,
      share: byCorrelation.size === 0 ? 0 : seen.size / byCorrelation.size,
      notFoundByOutcome,
      noAgentByCode,
      unmatchedLogEntries: unmatched,
    },
    intervals,
  };
}

function zero(): Record<Outcome, number> {
  return Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
}
