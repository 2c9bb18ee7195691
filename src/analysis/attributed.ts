/** The summary's per-agent figures from Entra's sign-in logs (and the agents' counters), when `ptaload attribute` added them. */
import type { AttributionFile } from '../results/attribution-file.js';

export interface AttributedSummary {
  /** Where the figures come from: never the client's own measurements. */
  readonly source: 'entra-sign-in-logs';
  readonly fetchedAt: string;
  /** Share of the run's sent sign-ins found in the logs. */
  readonly coverage: number;
  readonly found: number;
  readonly sent: number;
  readonly complete: boolean;
  readonly agents: readonly {
    readonly name: string;
    readonly agentId: string;
    readonly requests: number;
    /** Of the sign-ins attributed to an agent. */
    readonly share: number;
    readonly errors: number;
    /** Entra's processingTimeInMilliseconds: agent round trip included, client network not. */
    readonly processingMs: {
      readonly p50: number | null;
      readonly p90: number | null;
      readonly p99: number | null;
      readonly max: number | null;
    };
    readonly firstAtS: number;
    readonly lastAtS: number;
  }[];
  readonly unknownAgents: readonly { readonly agentId: string; readonly requests: number }[];
  readonly noAgent: number;
  readonly notes: readonly string[];
}

export function attributedSummary(file: AttributionFile): AttributedSummary {
  const total = file.agents.reduce((n, a) => n + a.requests, 0);
  return {
    source: file.source,
    fetchedAt: file.fetchedAt,
    coverage: file.coverage.share,
    found: file.coverage.found,
    sent: file.coverage.sent,
    complete: file.coverage.complete,
    agents: file.agents.map((a) => ({
      name: a.name,
      agentId: a.agentId,
      requests: a.requests,
      share: total === 0 ? 0 : Math.round((a.requests / total) * 1000) / 1000,
      errors: a.requests - (a.byOutcome.success ?? 0) - (a.byOutcome.invalid_credentials ?? 0),
      processingMs: {
        p50: a.processingMs.p50,
        p90: a.processingMs.p90,
        p99: a.processingMs.p99,
        max: a.processingMs.max,
      },
      firstAtS: a.firstAtS,
      lastAtS: a.lastAtS,
    })),
    unknownAgents: file.unknownAgents,
    noAgent: Object.values(file.coverage.noAgentByCode).reduce((n, v) => n + v, 0),
    notes: file.notes,
  };
}
