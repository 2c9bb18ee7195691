/** A worker's view of its own health per interval: event-loop delay, how busy its thread was, requests queued in the client. */
import { type EventLoopUtilization, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { GeneratorSample } from '../../metrics/types.js';

const RESOLUTION_MS = 10;

/**
 * Event-loop delay comes from perf_hooks' sampling monitor (a timer every 10 ms, so it costs nothing per request);
 * busy share is the thread's event-loop utilisation, which in a worker thread covers that thread alone (the
 * process-wide CPU figure would mix every worker and the coordinator). A worker whose loop is busy all the time
 * or late to wake cannot fire arrivals on time, whatever the tenant does.
 */
export class HealthProbe {
  private readonly delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private elu: EventLoopUtilization = performance.eventLoopUtilization();
  private queuedPeak = 0;
  private queuedSends = 0;

  constructor(private readonly connections: number) {
    this.delay.enable();
  }

  /** At every send (this one included in `inFlight`): beyond the connections, it waits in the client for one. */
  noteSend(inFlight: number): void {
    const queued = inFlight - this.connections;
    if (queued > 0) this.queuedSends++;
    if (queued > this.queuedPeak) this.queuedPeak = queued;
  }

  /** The interval that just ended (`inFlight` now: a backlog still queued counts too); starts the next. */
  sample(inFlight: number): GeneratorSample {
    this.queuedPeak = Math.max(this.queuedPeak, inFlight - this.connections);
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, this.elu);
    this.elu = now;
    const seen = this.delay.count > 0;
    // Node 20 counts the 10 ms sampling period itself into every delay (later versions may not): the smallest
    // delay seen, up to that period, is the floor, and what lies above it is lateness.
    const floorNs = seen ? Math.min(this.delay.min, RESOLUTION_MS * 1e6) : 0;
    const lateUs = (ns: number) => (seen ? Math.max(0, Math.round((ns - floorNs) / 1000)) : 0);
    const sample: GeneratorSample = {
      loopDelayP99Us: lateUs(this.delay.percentile(99)),
      loopDelayMaxUs: lateUs(this.delay.max),
      busyShare: Number.isFinite(busy.utilization) ? Math.round(busy.utilization * 1000) / 1000 : 0,
      queuedPeak: this.queuedPeak,
      queuedSends: this.queuedSends,
    };
    this.delay.reset();
    this.queuedPeak = 0;
    this.queuedSends = 0;
    return sample;
  }

  close(): void {
    this.delay.disable();
  }
}
