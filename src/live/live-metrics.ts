/** The run's live figures as Prometheus metrics: one prom-client registry, fed per interval and per tick. */
import { Counter, Gauge, Registry } from 'prom-client';
import type { Histogram } from '../metrics/histogram.js';
import { type IntervalRecord, parseSeriesTag, type SeriesTag } from '../metrics/types.js';
import { HdrHistogramMetric } from './hdr-histogram-metric.js';

/** Labels every series carries, so shards and runs stay apart in PromQL and add up with `sum without`. */
export interface RunLabels {
  readonly run_id: string;
  /** `i/n` of a sharded run, `0/1` otherwise. */
  readonly shard: string;
  readonly profile: string;
  readonly tenant: string;
}

/** What the load engine reports about once a second between intervals. */
export interface LiveTick {
  readonly inFlight: number;
  readonly targetRate: number;
  readonly activeAgents: readonly string[];
}

/**
 * Counters hold run totals (they add up over shards and equal summary.json's counts once the run ends);
 * gauges hold the latest tick. Replies and latencies are keyed by agent and outcome as the interval log is:
 * on a real tenant the agent is `tenant` (its replies name no agent).
 */
export class LiveMetrics {
  readonly registry = new Registry();
  private readonly sent: Counter<string>;
  private readonly replies: Counter<'agent' | 'outcome'>;
  private readonly late: Counter<string>;
  private readonly events: Counter<'action' | 'agent'>;
  private readonly inFlight: Gauge<string>;
  private readonly targetRate: Gauge<string>;
  private readonly agentActive: Gauge<'agent'>;
  private readonly latency = new HdrHistogramMetric(
    'ptaload_latency_seconds',
    'Sign-in latency from intended start to the last byte of the reply (coordinated-omission correct).',
  );
  private readonly knownAgents = new Set<string>();
  /** Bumped on every change, so an exporter can tell whether anything new happened since it last looked. */
  generation = 0;

  constructor(labels: RunLabels) {
    this.registry.setDefaultLabels({ ...labels });
    const registers = [this.registry];
    this.sent = new Counter({
      name: 'ptaload_requests_sent_total',
      help: 'Sign-in requests sent.',
      registers,
    });
    this.replies = new Counter({
      name: 'ptaload_replies_total',
      help: 'Replies by agent and outcome class (client timeouts and network errors included).',
      labelNames: ['agent', 'outcome'],
      registers,
    });
    this.late = new Counter({
      name: 'ptaload_late_starts_total',
      help: 'Sends that left later than the lateness threshold after their scheduled time.',
      registers,
    });
    this.events = new Counter({
      name: 'ptaload_timeline_events_total',
      help: 'Agent timeline events applied (add, remove, degrade, restore…); Grafana shows them as annotations.',
      labelNames: ['action', 'agent'],
      registers,
    });
    this.inFlight = new Gauge({
      name: 'ptaload_in_flight',
      help: 'Requests awaiting a reply.',
      registers,
    });
    this.targetRate = new Gauge({
      name: 'ptaload_target_rate',
      help: "The schedule's arrival rate now, per second (this shard's share).",
      registers,
    });
    this.agentActive = new Gauge({
      name: 'ptaload_agent_active',
      help: '1 while the harness believes the agent active (from the timeline), else 0.',
      labelNames: ['agent'],
      registers,
    });
    this.registry.registerMetric(this.latency.asMetric());
  }

  addInterval(record: IntervalRecord, histograms: ReadonlyMap<SeriesTag, Histogram>): void {
    this.sent.inc(record.sent);
    this.late.inc(record.lateStarts);
    for (const [tag, h] of histograms) {
      const series = parseSeriesTag(tag);
      if (!series || h.totalCount === 0) continue;
      const labels = { agent: series.agent, outcome: series.outcome };
      this.replies.inc(labels, h.totalCount);
      this.latency.add(labels, h);
    }
    this.inFlight.set(record.inFlight);
    this.generation++;
  }

  tick(live: LiveTick): void {
    this.inFlight.set(live.inFlight);
    this.targetRate.set(live.targetRate);
    for (const agent of live.activeAgents) this.knownAgents.add(agent);
    const active = new Set(live.activeAgents);
    for (const agent of this.knownAgents) this.agentActive.set({ agent }, active.has(agent) ? 1 : 0);
    this.generation++;
  }

  event(action: string, agent: string | undefined): void {
    this.events.inc({ action, agent: agent ?? '' });
    this.generation++;
  }
}
