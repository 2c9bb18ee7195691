import { isOutcome, type Outcome } from '../outcome.js';

/** Key used for replies that did not name an agent (every real tenant's replies). */
export const TENANT = 'tenant';

/**
 * Histograms are in microseconds: 1 µs resolution, 3 significant digits, up to one hour.
 * Every histogram of a run uses these settings so they add up exactly.
 */
export const HISTOGRAM = {
  lowestDiscernibleValue: 1,
  highestTrackableValue: 3_600_000_000,
  numberOfSignificantValueDigits: 3,
} as const;

/** `agent/outcome`, the tag of one series in the interval log (agent names never contain '/', ',' or spaces). */
export type SeriesTag = `${string}/${Outcome}`;

export function seriesTag(agent: string, outcome: Outcome): SeriesTag {
  return `${agent}/${outcome}`;
}

/** The inverse of seriesTag; undefined when the tag is not `agent/outcome` with a known outcome. */
export function parseSeriesTag(tag: string): { agent: string; outcome: Outcome } | undefined {
  const slash = tag.lastIndexOf('/');
  if (slash <= 0) return undefined;
  const outcome = tag.slice(slash + 1);
  return isOutcome(outcome) ? { agent: tag.slice(0, slash), outcome } : undefined;
}

/** Counters a worker keeps per interval beside its histograms. All add up across workers. */
export interface IntervalCounters {
  /** Requests sent in the interval. */
  sent: number;
  /** Replies (any outcome, including client timeouts and network errors) recorded in the interval. */
  completed: number;
  /** Sends that left later than the lateness threshold after their intended time. */
  lateStarts: number;
  /** Worst schedule slip (actual send − intended send) in the interval, µs. Merged with max. */
  maxSlipUs: number;
  /** Requests still awaiting a reply at the end of the interval. */
  inFlight: number;
  /** AADSTS codes seen, verbatim, with counts (`"50126": 12`). Keeps unknown codes for `other`. */
  codes: Record<string, number>;
  /**
   * Latencies outside [0, HISTOGRAM.highestTrackableValue] (or not a number) recorded as the nearest bound
   * instead of thrown away. Absent means 0 (added after the first version of this contract).
   */
  clamped?: number;
  /**
   * Arrivals the generator did not send because too many sign-ins were already waiting for a connection
   * (bounded admission): the generator, or the target behind it, was saturated. Neither sent nor in the
   * histograms. Absent means 0 (added after the first version of this contract).
   */
  saturated?: number;
  /**
   * Lockout replies (50053) by user: `users` locked for the first time in the run, and of those
   * `unexplained` ones whose sign-in had the right password and who got no wrong password from this run
   * in the hour before (an IP block, not our wrong passwords). Absent means none (added in 0.2).
   */
  lockouts?: LockoutCounts;
  /**
   * Arrivals the seeded schedule drew for this interval (this shard's share), whether sent or not: what `sent`
   * is judged against. Set by the coordinator; absent in workers' snapshots and in folders of earlier versions.
   */
  scheduled?: number;
  /** The generator's own health in the interval (absent in folders of earlier versions). */
  generator?: GeneratorSample;
}

export interface LockoutCounts {
  users: number;
  unexplained: number;
}

/** How hard the generator itself worked in one interval: the worst worker's figures, so one busy thread shows. */
export interface GeneratorSample {
  /** Worst worker's event-loop delay p99 (perf_hooks monitorEventLoopDelay), µs. Merged with max. */
  loopDelayP99Us: number;
  /** Worst worker's longest event-loop delay, µs. Merged with max. */
  loopDelayMaxUs: number;
  /** Busiest worker's event-loop utilisation: share of the interval its thread was not idle, 0–1. Merged with max. */
  busyShare: number;
  /** Most requests that waited for a free connection at any send (in flight beyond the connections), summed over workers. */
  queuedPeak: number;
  /** Sends that found every connection busy and waited in the client (absent before it was counted). Adds. */
  queuedSends?: number;
}

/** Histograms a worker keeps beside the latency ones: how the generator kept its schedule, and the tenant's own time. */
interface ExtraHistograms {
  /** Schedule slip of every send (actual − intended start), µs, encoded. */
  slip?: string;
  /** Service time per agent (actual send → last byte, not corrected for coordinated omission), µs, encoded. */
  service?: Readonly<Record<string, string>>;
}

/** One histogram of one interval, encoded with HdrHistogram's compressed base64 form (as in .hlog files). */
export interface EncodedHistogram {
  readonly agent: string;
  readonly outcome: Outcome;
  readonly encoded: string;
}

/** What a worker sends the coordinator at the end of every interval. Plain data: crosses threads. */
export interface WorkerSnapshot extends IntervalCounters, ExtraHistograms {
  readonly workerId: number;
  /** Interval number since the run's start (0-based): the interval covers [index·len, (index+1)·len). */
  readonly index: number;
  readonly histograms: readonly EncodedHistogram[];
}

/** One interval of the whole run, all workers merged, as the results folder keeps it (intervals.jsonl). */
export interface IntervalRecord extends IntervalCounters, ExtraHistograms {
  readonly index: number;
  /** ms since the run's start. */
  readonly startMs: number;
  readonly endMs: number;
  /** Arrival rate the schedule asked for in this interval (mean, per second). */
  readonly targetRate: number;
  /** Agents the harness believes active during the interval (from the sim or the profile's timeline). */
  readonly activeAgents: readonly string[];
  /** Phase the interval belongs to (name or `phase-<n>`). */
  readonly phase: string;
}
