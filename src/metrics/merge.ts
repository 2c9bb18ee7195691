import { addCountersInto, zeroCounters } from './counters.js';
import { addEncodedInto } from './encoded.js';
import { createHistogram, type Histogram } from './histogram.js';
import { type IntervalCounters, type SeriesTag, seriesTag, type WorkerSnapshot } from './types.js';

/** Spare histograms kept: one interval of a full tenant (41 agent keys × 17 outcomes), ≈65 MiB at most. */
const POOL_LIMIT = 700;

/** One interval of the whole run: every worker that reported, merged. Histograms are owned by the receiver. */
export interface MergedInterval {
  readonly index: number;
  readonly counters: IntervalCounters;
  readonly histograms: Map<SeriesTag, Histogram>;
  /** Schedule slip of every send, µs (null when nothing was sent). */
  readonly slip: Histogram | null;
  /** Service time (actual send → last byte) per agent, µs. */
  readonly service: Map<string, Histogram>;
  /** Workers whose snapshot is included, ascending. */
  readonly workers: readonly number[];
  /** Workers expected for this interval that had not reported when it was flushed, ascending. */
  readonly missingWorkers: readonly number[];
}

/** Snapshots the merger could not use. */
export interface MergerLosses {
  /** Arrived after their interval had been emitted (counts in `sent`/`completed` below are lost from intervals). */
  late: number;
  /** A second snapshot from the same worker for the same interval (a bug upstream; the first one is kept). */
  duplicate: number;
  sent: number;
  completed: number;
}

interface Pending {
  readonly counters: IntervalCounters;
  readonly histograms: Map<SeriesTag, Histogram>;
  slip: Histogram | null;
  readonly service: Map<string, Histogram>;
  readonly workers: Set<number>;
}

/**
 * The coordinator's side of the interval stream. Every worker sends one snapshot per interval (an empty one when
 * idle); an interval is emitted, in index order, once every expected worker reported it, or when flushed.
 * Worker churn: `expectWorkers` names the current set and the first interval a newcomer will report.
 */
export class IntervalMerger {
  /** workerId → first interval index it is expected to report. */
  private readonly expected = new Map<number, number>();
  private readonly pending = new Map<number, Pending>();
  private next: number;
  private readonly pool: Histogram[] = [];
  readonly losses: MergerLosses = { late: 0, duplicate: 0, sent: 0, completed: 0 };

  constructor(workers: Iterable<number> = [], firstIndex = 0) {
    this.next = firstIndex;
    for (const id of workers) this.expected.set(id, firstIndex);
  }

  /** The index the next emitted interval will have. */
  get nextIndex(): number {
    return this.next;
  }

  /**
   * Replaces the set of workers to wait for. Workers already known keep their start; new ones are expected from
   * `fromIndex` (default: the next interval to emit). Removing a crashed worker can complete pending intervals.
   */
  expectWorkers(ids: Iterable<number>, fromIndex = this.next): MergedInterval[] {
    const wanted = new Set(ids);
    for (const id of this.expected.keys()) if (!wanted.has(id)) this.expected.delete(id);
    for (const id of wanted) if (!this.expected.has(id)) this.expected.set(id, fromIndex);
    return this.drain();
  }

  /** Adds one worker's snapshot; returns the intervals it completed (possibly none), in index order. */
  accept(snapshot: WorkerSnapshot): MergedInterval[] {
    if (snapshot.index < this.next) {
      this.lose('late', snapshot);
      return [];
    }
    let pending = this.pending.get(snapshot.index);
    if (pending === undefined) {
      pending = {
        counters: zeroCounters(),
        histograms: new Map(),
        slip: null,
        service: new Map(),
        workers: new Set(),
      };
      this.pending.set(snapshot.index, pending);
    }
    if (pending.workers.has(snapshot.workerId)) {
      this.lose('duplicate', snapshot);
      return [];
    }
    pending.workers.add(snapshot.workerId);
    addCountersInto(pending.counters, snapshot);
    for (const encoded of snapshot.histograms) {
      const tag = seriesTag(encoded.agent, encoded.outcome);
      let into = pending.histograms.get(tag);
      if (into === undefined) {
        into = this.pool.pop() ?? createHistogram();
        pending.histograms.set(tag, into);
      }
      addEncodedInto(into, encoded.encoded);
    }
    if (snapshot.slip !== undefined) {
      pending.slip ??= createHistogram();
      addEncodedInto(pending.slip, snapshot.slip);
    }
    for (const [agent, encoded] of Object.entries(snapshot.service ?? {})) {
      let into = pending.service.get(agent);
      if (into === undefined) {
        into = createHistogram();
        pending.service.set(agent, into);
      }
      addEncodedInto(into, encoded);
    }
    return this.drain();
  }

  /** Emits every interval up to and including `index`, complete or not (missing workers are listed). */
  flushUpTo(index: number): MergedInterval[] {
    const out: MergedInterval[] = [];
    while (this.next <= index) out.push(this.emit(this.next));
    return out;
  }

  /** Emits everything still pending (end of run). */
  flushAll(): MergedInterval[] {
    let last = this.next - 1;
    for (const index of this.pending.keys()) if (index > last) last = index;
    return this.flushUpTo(last);
  }

  /**
   * Optional: hands an emitted interval's histograms back for reuse once nothing reads them any more (after
   * writing and adding to totals). Allocating a histogram costs more than merging one; the map is emptied.
   */
  recycle(interval: MergedInterval): void {
    for (const histogram of interval.histograms.values()) {
      if (this.pool.length >= POOL_LIMIT) break;
      histogram.reset();
      this.pool.push(histogram);
    }
    interval.histograms.clear();
  }

  private drain(): MergedInterval[] {
    const out: MergedInterval[] = [];
    while (this.isComplete(this.next)) out.push(this.emit(this.next));
    return out;
  }

  private isComplete(index: number): boolean {
    const pending = this.pending.get(index);
    if (pending === undefined) return false;
    for (const [id, from] of this.expected) if (from <= index && !pending.workers.has(id)) return false;
    return true;
  }

  private emit(index: number): MergedInterval {
    const pending = this.pending.get(index);
    this.pending.delete(index);
    this.next = index + 1;
    const reported = pending?.workers ?? new Set<number>();
    const missing: number[] = [];
    for (const [id, from] of this.expected) if (from <= index && !reported.has(id)) missing.push(id);
    return {
      index,
      counters: pending?.counters ?? zeroCounters(),
      histograms: pending?.histograms ?? new Map(),
      slip: pending?.slip ?? null,
      service: pending?.service ?? new Map(),
      workers: [...reported].sort((a, b) => a - b),
      missingWorkers: missing.sort((a, b) => a - b),
    };
  }

  private lose(kind: 'late' | 'duplicate', snapshot: WorkerSnapshot): void {
    this.losses[kind]++;
    this.losses.sent += snapshot.sent;
    this.losses.completed += snapshot.completed;
  }
}
