/** The live outputs of one run (metrics endpoint, remote write), opened before the load and closed after it. */
import type { Histogram } from '../metrics/histogram.js';
import type { IntervalRecord, SeriesTag } from '../metrics/types.js';
import { LiveMetrics, type LiveTick, type RunLabels } from './live-metrics.js';
import { type MetricsServer, startMetricsServer } from './metrics-server.js';
import { RemoteWriter, safeUrl } from './remote-write.js';

/** From the command line only: a profile cannot open a port or send figures anywhere. */
export interface LiveOptions {
  /** Serve GET /metrics on this port (0: any free one). */
  readonly metricsPort?: number;
  /** Address to listen on; loopback unless the command line widens it. */
  readonly metricsHost?: string;
  /** Push to this Prometheus remote-write URL once per interval and at the end. */
  readonly remoteWrite?: URL;
}

const DEFAULT_METRICS_HOST = '127.0.0.1';
/** How long the end of a run waits for a scraper that has been scraping to fetch the final figures. */
const LAST_SCRAPE_WAIT_MS = 15_000;

export interface LiveOutputs {
  interval(record: IntervalRecord, histograms: ReadonlyMap<SeriesTag, Histogram>): void;
  tick(live: LiveTick): void;
  event(action: string, agent: string | undefined): void;
  /** Final push, one last scrape (if someone scrapes), then closed. Never throws. */
  close(): Promise<void>;
}

export async function openLiveOutputs(
  options: LiveOptions,
  labels: RunLabels,
  log: (line: string) => void,
): Promise<LiveOutputs | undefined> {
  if (options.metricsPort === undefined && options.remoteWrite === undefined) return undefined;
  const metrics = new LiveMetrics(labels);
  let server: MetricsServer | undefined;
  if (options.metricsPort !== undefined) {
    server = await startMetricsServer(
      metrics.registry,
      options.metricsHost ?? DEFAULT_METRICS_HOST,
      options.metricsPort,
    );
    log(`live metrics: ${server.url}`);
  }
  const writer = options.remoteWrite
    ? new RemoteWriter(options.remoteWrite, metrics.registry, log)
    : undefined;
  if (options.remoteWrite) log(`live metrics: remote write to ${safeUrl(options.remoteWrite)}`);
  return {
    interval(record, histograms) {
      metrics.addInterval(record, histograms);
      writer?.push();
    },
    tick: (live) => metrics.tick(live),
    event: (action, agent) => metrics.event(action, agent),
    async close() {
      if (writer) {
        await writer.flush();
        await writer.close().catch(() => undefined);
      }
      if (server) {
        // Counters are only complete after the last interval: let a scraper that is there fetch them.
        if (server.scrapes > 0) await server.nextScrape(LAST_SCRAPE_WAIT_MS);
        await server.close();
      }
    },
  };
}
