/**
 * The simulator's own record of the processing time it gave each agent's sign-ins: per agent, HDR histograms
 * of the time from request to reply (what its sign-in logs report, before Graph's whole-millisecond rounding)
 * and of the agent's service time alone. Kept at the moment of each answer, apart from the sign-in log ring
 * and its Graph rendering, so a reader of the logs can be checked against it (`GET /_sim/processing`).
 */
import * as hdr from 'hdr-histogram-js';

/** 1 µs to 1 h at 3 significant digits: the harness's own histogram settings, so the two compare bucket for bucket. */
export const PROCESSING_HISTOGRAM = {
  lowestDiscernibleValue: 1,
  highestTrackableValue: 3_600_000_000,
  numberOfSignificantValueDigits: 3,
} as const;

interface AgentTimes {
  readonly name: string;
  readonly agentId: string;
  /** Request to reply, µs. */
  readonly processing: hdr.Histogram;
  /** The agent's validation (plus a shared directory's, when set), µs; only validations an agent finished. */
  readonly service: hdr.Histogram;
}

/** Figures in ms as HdrHistogram reports them (a value's bucket top), rounded to the µs. */
interface TimesMs {
  readonly count: number;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

export interface AgentTimesView {
  readonly name: string;
  readonly agentId: string;
  readonly processingMs: TimesMs;
  readonly serviceMs: TimesMs;
  /** The histograms themselves (µs, HdrHistogram compressed base64), so a caller can subtract an earlier snapshot. */
  readonly processingHistogram: string;
  readonly serviceHistogram: string;
}

export class ProcessingTimes {
  private readonly byAgent = new Map<string, AgentTimes>();

  /** One answer from an agent: `processingMs` request to reply, `serviceMs` the agent's part (undefined: it never finished). */
  record(
    agent: { readonly name: string; readonly agentId: string },
    processingMs: number,
    serviceMs?: number,
  ): void {
    let t = this.byAgent.get(agent.agentId);
    if (t === undefined) {
      t = { name: agent.name, agentId: agent.agentId, processing: build(), service: build() };
      this.byAgent.set(agent.agentId, t);
    }
    t.processing.recordValue(toUs(processingMs));
    if (serviceMs !== undefined) t.service.recordValue(toUs(serviceMs));
  }

  view(): AgentTimesView[] {
    return [...this.byAgent.values()]
      .map((t) => ({
        name: t.name,
        agentId: t.agentId,
        processingMs: figures(t.processing),
        serviceMs: figures(t.service),
        processingHistogram: hdr.encodeIntoCompressedBase64(t.processing),
        serviceHistogram: hdr.encodeIntoCompressedBase64(t.service),
      }))
      .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  }
}

function build(): hdr.Histogram {
  return hdr.build({ ...PROCESSING_HISTOGRAM, bitBucketSize: 32, autoResize: false });
}

/** Whole µs within the histogram's range (a negative or absurd time would throw inside the library). */
function toUs(ms: number): number {
  const us = Math.round(ms * 1000);
  return Math.min(PROCESSING_HISTOGRAM.highestTrackableValue, Math.max(0, Number.isFinite(us) ? us : 0));
}

function figures(h: hdr.Histogram): TimesMs {
  if (h.totalCount === 0) return { count: 0, p50: null, p90: null, p99: null, max: null };
  const at = (p: number) => Math.round(h.getValueAtPercentile(p)) / 1000;
  return { count: h.totalCount, p50: at(50), p90: at(90), p99: at(99), max: at(100) };
}
