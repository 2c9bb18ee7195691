import { OUTCOMES, type Outcome } from '../outcome.js';
import {
  createHistogram,
  encodeHistogram,
  HIGHEST_US,
  type Histogram,
  type HistogramEngine,
} from './histogram.js';
import type { EncodedHistogram, LockoutCounts, WorkerSnapshot } from './types.js';

const ORDINAL = new Map<Outcome, number>(OUTCOMES.map((outcome, i) => [outcome, i]));

interface Series {
  readonly agent: string;
  readonly outcome: Outcome;
  readonly histogram: Histogram;
  /** Recorded into since the last snapshot (then it is in `active`). */
  active: boolean;
  /** Number of the last snapshot that carried this series. */
  lastUsed: number;
}

export interface RecorderOptions {
  /** `js` unless a benchmark says otherwise for your machine (see histogram.ts). */
  readonly engine?: HistogramEngine;
  /** A series silent for this many intervals gives its histogram back (an agent removed mid-run stops costing memory). */
  readonly releaseAfterIntervals?: number;
}

/**
 * One per worker: latency histograms per (agent, outcome) for the current interval, and the interval's counters.
 * `snapshot()` encodes what was recorded and starts the next interval, reusing the histograms.
 */
export class IntervalRecorder {
  private readonly byAgent = new Map<string, (Series | undefined)[]>();
  private readonly active: Series[] = [];
  private readonly engine: HistogramEngine;
  private readonly releaseAfter: number;
  private snapshots = 0;
  private sent = 0;
  private completed = 0;
  private lateStarts = 0;
  private maxSlipUs = 0;
  private inFlight = 0;
  private clamped = 0;
  private saturated = 0;
  private codes: Record<string, number> = {};
  private lockouts: LockoutCounts | undefined;
  private readonly slip: Histogram;
  private slipCount = 0;
  private readonly service = new Map<string, { histogram: Histogram; count: number }>();

  constructor(options: RecorderOptions = {}) {
    this.engine = options.engine ?? 'js';
    this.releaseAfter = options.releaseAfterIntervals ?? 60;
    this.slip = createHistogram(32, this.engine);
  }

  /** The tenant's own time for one reply: actual send → last byte, µs (what wrk2 calls uncorrected latency). */
  recordService(agent: string, serviceUs: number): void {
    let series = this.service.get(agent);
    if (series === undefined) {
      series = { histogram: createHistogram(32, this.engine), count: 0 };
      this.service.set(agent, series);
    }
    series.histogram.recordValue(clampUs(serviceUs));
    series.count++;
  }

  /** One reply (or failure to get one): latency from the request's intended start, µs. */
  record(agent: string, outcome: Outcome, latencyUs: number): void {
    let row = this.byAgent.get(agent);
    if (row === undefined) {
      row = new Array<Series | undefined>(OUTCOMES.length).fill(undefined);
      this.byAgent.set(agent, row);
    }
    const ordinal = ORDINAL.get(outcome);
    if (ordinal === undefined) throw new TypeError(`not an outcome class: ${String(outcome)}`);
    let series = row[ordinal];
    if (series === undefined) {
      series = { agent, outcome, histogram: createHistogram(32, this.engine), active: false, lastUsed: 0 };
      row[ordinal] = series;
    }
    if (!series.active) {
      series.active = true;
      this.active.push(series);
    }
    let value: number;
    // Written so NaN lands in the clamped branch: a broken clock must show up as a count, not crash a worker.
    if (latencyUs >= 0 && latencyUs <= HIGHEST_US) {
      value = Math.round(latencyUs);
    } else {
      value = latencyUs > HIGHEST_US ? HIGHEST_US : 0;
      this.clamped++;
    }
    series.histogram.recordValue(value);
    this.completed++;
  }

  /** A request left: how late against its intended start (µs), and whether that passed the lateness threshold. */
  noteSent(slipUs: number, late: boolean): void {
    this.sent++;
    if (late) this.lateStarts++;
    if (slipUs > this.maxSlipUs) this.maxSlipUs = slipUs;
    this.slip.recordValue(clampUs(slipUs));
    this.slipCount++;
  }

  /** An arrival not sent because the worker was saturated (bounded admission). */
  noteSaturated(): void {
    this.saturated++;
  }

  /** An AADSTS code seen in a reply, kept verbatim. */
  noteCode(code: number | string): void {
    const key = String(code);
    this.codes[key] = (this.codes[key] ?? 0) + 1;
  }

  /** A user answered 50053 for the first time in the run; `unexplained` when our wrong passwords cannot be why. */
  noteLockout(unexplained: boolean): void {
    this.lockouts ??= { users: 0, unexplained: 0 };
    this.lockouts.users++;
    if (unexplained) this.lockouts.unexplained++;
  }

  /** Requests awaiting a reply; reported as-is in every following snapshot until set again. */
  setInFlight(count: number): void {
    this.inFlight = count;
  }

  /** Encodes the interval that just ended and starts the next one. Series with nothing recorded are left out. */
  snapshot(workerId: number, index: number): WorkerSnapshot {
    const histograms: EncodedHistogram[] = [];
    for (const series of this.active) {
      histograms.push({
        agent: series.agent,
        outcome: series.outcome,
        encoded: encodeHistogram(series.histogram),
      });
      series.histogram.reset();
      series.active = false;
      series.lastUsed = this.snapshots;
    }
    this.active.length = 0;
    const service: Record<string, string> = {};
    for (const [agent, series] of this.service) {
      if (series.count === 0) continue;
      service[agent] = encodeHistogram(series.histogram);
      series.histogram.reset();
      series.count = 0;
    }
    const slip = this.slipCount > 0 ? encodeHistogram(this.slip) : undefined;
    this.slip.reset();
    this.slipCount = 0;
    const snap: WorkerSnapshot = {
      workerId,
      index,
      sent: this.sent,
      completed: this.completed,
      lateStarts: this.lateStarts,
      maxSlipUs: this.maxSlipUs,
      inFlight: this.inFlight,
      codes: this.codes,
      clamped: this.clamped,
      saturated: this.saturated,
      ...(this.lockouts !== undefined ? { lockouts: this.lockouts } : {}),
      histograms,
      ...(slip === undefined ? {} : { slip }),
      ...(Object.keys(service).length > 0 ? { service } : {}),
    };
    this.lockouts = undefined;
    this.sent = 0;
    this.completed = 0;
    this.lateStarts = 0;
    this.maxSlipUs = 0;
    this.clamped = 0;
    this.saturated = 0;
    this.codes = {};
    this.snapshots++;
    if (this.snapshots % 16 === 0) this.releaseIdle();
    return snap;
  }

  /** Histograms currently held (for tests and memory figures). */
  get seriesCount(): number {
    let n = 0;
    for (const row of this.byAgent.values()) for (const s of row) if (s !== undefined) n++;
    return n;
  }

  /** Frees every histogram (required with the wasm engine, harmless with js). The recorder is unusable after. */
  close(): void {
    for (const row of this.byAgent.values()) for (const s of row) s?.histogram.destroy();
    for (const s of this.service.values()) s.histogram.destroy();
    this.service.clear();
    this.slip.destroy();
    this.byAgent.clear();
    this.active.length = 0;
  }

  private releaseIdle(): void {
    for (const [agent, row] of this.byAgent) {
      let kept = 0;
      for (let i = 0; i < row.length; i++) {
        const s = row[i];
        if (s === undefined) continue;
        if (!s.active && this.snapshots - s.lastUsed > this.releaseAfter) {
          s.histogram.destroy();
          row[i] = undefined;
        } else {
          kept++;
        }
      }
      if (kept === 0) this.byAgent.delete(agent);
    }
  }
}

/** Into the histogram's range (slip and service times never exceed it in practice; NaN becomes 0). */
function clampUs(us: number): number {
  return us >= 0 && us <= HIGHEST_US ? Math.round(us) : us > HIGHEST_US ? HIGHEST_US : 0;
}
