/** What a run of load reports, and to whom: the sink of intervals, timeline outcomes and notes; breakers; the result. */
import type { Histogram } from 'hdr-histogram-js';
import type { IntervalRecord, SeriesTag } from '../metrics/types.js';
import type { TimelineEvent } from '../profile/schema.js';
import type { AppliedEvent } from '../targets/target.js';
import type { SignInRow } from './worker/signin-rows.js';
import type { WorkerResult } from './worker-protocol.js';

/** A timeline event as it happened. */
export interface TimelineOutcome extends AppliedEvent {
  readonly event: TimelineEvent;
  readonly appliedAtMs: number;
}

export interface LoadSink {
  interval(record: IntervalRecord, histograms: Map<SeriesTag, Histogram>): void | Promise<void>;
  timeline(outcome: TimelineOutcome): void | Promise<void>;
  note(text: string): void;
  /** Sign-ins written down by correlation id (every failure, sampled successes), in batches as the run goes. */
  signIns?(rows: readonly SignInRow[]): void;
  /** Called about once a second with live figures for progress display. */
  progress?(live: LiveFigures): void;
}

export interface LiveFigures {
  readonly elapsedMs: number;
  readonly totalMs: number;
  readonly phase: string;
  /** The schedule's rate right now (this shard's share). */
  readonly targetRate: number;
  readonly inFlight: number;
  readonly activeAgents: readonly string[];
}

/** Asked by the coordinator after every interval; a string stops the run as failed, with that reason. */
export type Breaker = (record: IntervalRecord, histograms: Map<SeriesTag, Histogram>) => string | undefined;

export interface LoadResult {
  readonly status: 'completed' | 'interrupted' | 'failed';
  readonly failure?: string;
  readonly startEpochMs: number;
  readonly endMs: number;
  readonly workers: readonly WorkerResult[];
  readonly lostWorkers: number;
}
