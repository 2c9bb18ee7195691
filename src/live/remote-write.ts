/** Pushes the live registry to a Prometheus remote-write endpoint once per interval and once at the end. */
import type { Registry } from 'prom-client';
import { Agent, request } from 'undici';
import { encodeWriteRequest, type Sample } from './remote-write-encode.js';

/** Every series of the registry as remote-write samples stamped `timestampMs`. */
export async function registrySamples(registry: Registry, timestampMs: number): Promise<Sample[]> {
  const metrics = await registry.getMetricsAsJSON();
  return metrics.flatMap((m) =>
    m.values.map((v) => {
      const name = (v as { metricName?: string }).metricName ?? m.name;
      const labels: Record<string, string> = { __name__: name };
      for (const [k, value] of Object.entries(v.labels)) labels[k] = String(value);
      return { labels, value: v.value, timestampMs };
    }),
  );
}

/** The URL as it may be shown: user and password (if any) removed. */
export function safeUrl(url: URL): string {
  const shown = new URL(url.href);
  shown.username = '';
  shown.password = '';
  return shown.href;
}

/**
 * One push at a time: a push asked for while one is on the wire is folded into the next (counters are
 * cumulative, so a skipped push loses no totals). Failures are reported once per kind, never thrown: a
 * monitoring outage must not stop a load test.
 */
export class RemoteWriter {
  private readonly dispatcher = new Agent({ connections: 1, headersTimeout: 10_000, bodyTimeout: 10_000 });
  private inFlight: Promise<void> | undefined;
  private again = false;
  private lastProblem = '';
  pushes = 0;

  constructor(
    private readonly url: URL,
    private readonly registry: Registry,
    private readonly warn: (line: string) => void,
    private readonly clock: () => number = Date.now,
  ) {}

  push(): void {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = this.send().finally(() => {
      this.inFlight = undefined;
      if (this.again) {
        this.again = false;
        this.push();
      }
    });
  }

  /** The last push, with everything recorded so far; waits for the one on the wire first. */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    await this.send();
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async send(): Promise<void> {
    const auth =
      this.url.username || this.url.password
        ? {
            authorization: `Basic ${Buffer.from(`${decodeURIComponent(this.url.username)}:${decodeURIComponent(this.url.password)}`).toString('base64')}`,
          }
        : {};
    try {
      const body = encodeWriteRequest(await registrySamples(this.registry, this.clock()));
      const res = await request(safeUrl(this.url), {
        method: 'POST',
        dispatcher: this.dispatcher,
        headers: {
          'content-type': 'application/x-protobuf',
          'content-encoding': 'snappy',
          'x-prometheus-remote-write-version': '0.1.0',
          'user-agent': 'ptaload',
          ...auth,
        },
        body,
      });
      const text = await res.body.text();
      if (res.statusCode >= 300) this.problem(`HTTP ${res.statusCode} ${text.trim().slice(0, 200)}`);
      else this.pushes++;
    } catch (err) {
      this.problem((err as Error).message);
    }
  }

  private problem(what: string): void {
    if (what === this.lastProblem) return;
    this.lastProblem = what;
    this.warn(`warning: remote write to ${safeUrl(this.url)} failed (${what}); the run goes on.`);
  }
}
