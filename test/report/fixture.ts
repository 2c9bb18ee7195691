import * as hdr from 'hdr-histogram-js';
import { HISTOGRAM, type IntervalRecord, type SeriesTag, seriesTag } from '../../src/metrics/types.js';
import type { Outcome } from '../../src/outcome.js';
import type { RunInfo } from '../../src/results/run-info.js';

export type Histogram = hdr.Histogram;

/**
 * A synthetic 40 s run, built by hand so report tests need no load engine: 4 agents at 100/s; agent-2
 * crashes at 15 s and its in-flight sign-ins come back as 80002 after 10 s (intervals 16–20), after which
 * the tenant is healthy again. Every latency recorded is also kept raw, so tests can recompute figures
 * independently of the code under test.
 */
export const CRASH_AT_MS = 15_000;
export const TIMEOUT_INTERVALS = [16, 17, 18, 19, 20];
export const INTERVALS = 40;

export interface SyntheticInterval {
  readonly record: IntervalRecord;
  readonly histograms: Map<SeriesTag, Histogram>;
}

export interface Synthetic {
  readonly run: RunInfo;
  readonly intervals: SyntheticInterval[];
  /** Every latency recorded, µs, by tag, across the run. */
  readonly raw: Map<SeriesTag, number[]>;
  /** Raw values per interval index. */
  readonly rawByInterval: Map<SeriesTag, number[]>[];
}

export function histogram(): Histogram {
  return hdr.build({ ...HISTOGRAM, bitBucketSize: 32, autoResize: false });
}

export function syntheticRun(overrides: Partial<RunInfo> = {}): Synthetic {
  const run: RunInfo = {
    tool: { name: 'ptaload', version: '0.1.0' },
    node: 'v20.0.0',
    platform: 'linux-x64',
    runId: '20261125T120000Z-failover',
    profile: {
      name: 'failover',
      resolved: { name: 'failover', description: 'Synthetic crash drill', thresholds: [] },
    },
    target: { kind: 'sim', url: 'http://127.0.0.1:1/tenant/oauth2/v2.0/token', tenant: 'contoso.test' },
    intervalMs: 1000,
    startedAt: '2026-11-25T12:00:00.000Z',
    startEpochMs: Date.parse('2026-11-25T12:00:00.000Z'),
    status: 'completed',
    endedAt: '2026-11-25T12:00:40.500Z',
    workers: 2,
    connections: 64,
    phases: [
      { name: 'warm-up', shape: 'constant', startMs: 0, endMs: 10_000 },
      { name: 'steady', shape: 'constant', startMs: 10_000, endMs: 40_000 },
    ],
    agents: ['agent-1', 'agent-2', 'agent-3', 'agent-4'].map((name, i) => ({
      name,
      version: '1.5.193.0',
      site: i < 2 ? 'dc1' : 'dc2',
      cores: 4,
      capacity: 350,
    })),
    timeline: [
      {
        atMs: CRASH_AT_MS,
        appliedAtMs: CRASH_AT_MS,
        action: 'remove',
        agent: 'agent-2',
        mode: 'crash',
        detail: { agents: ['agent-2'] },
        ok: true,
      },
    ],
    notes: [],
    ...overrides,
  };
  const raw = new Map<SeriesTag, number[]>();
  const rawByInterval: Map<SeriesTag, number[]>[] = [];
  const intervals: SyntheticInterval[] = [];
  for (let i = 0; i < INTERVALS; i++) {
    const values = new Map<SeriesTag, number[]>();
    const put = (agent: string, outcome: Outcome, us: number) => {
      const tag = seriesTag(agent, outcome);
      values.set(tag, [...(values.get(tag) ?? []), us]);
      raw.set(tag, [...(raw.get(tag) ?? []), us]);
    };
    const active =
      i * 1000 < CRASH_AT_MS
        ? ['agent-1', 'agent-2', 'agent-3', 'agent-4']
        : ['agent-1', 'agent-3', 'agent-4'];
    const perAgent = Math.floor(96 / active.length);
    for (const [a, agent] of active.entries()) {
      for (let k = 0; k < perAgent; k++)
        put(agent, 'success', 20_000 + ((k * 7919 + i * 31 + a * 1009) % 40_000));
    }
    put('agent-1', 'invalid_credentials', 30_000 + i * 10);
    put('agent-1', 'invalid_credentials', 31_000 + i * 10);
    put('tenant', 'throttled', 5_000);
    if (TIMEOUT_INTERVALS.includes(i))
      for (let k = 0; k < 10; k++) put('agent-2', 'pta_timeout', 10_000_000 + k * 1000);
    const histograms = new Map<SeriesTag, Histogram>();
    let completed = 0;
    for (const [tag, list] of values) {
      const h = histogram();
      for (const v of list) h.recordValue(v);
      histograms.set(tag, h);
      completed += list.length;
    }
    rawByInterval.push(values);
    intervals.push({
      record: {
        index: i,
        startMs: i * 1000,
        endMs: (i + 1) * 1000,
        targetRate: 100,
        activeAgents: active,
        phase: i < 10 ? 'warm-up' : 'steady',
        sent: 100,
        completed,
        lateStarts: i === 3 ? 2 : 0,
        maxSlipUs: i === 3 ? 7_500 : 800,
        inFlight: i === INTERVALS - 1 ? 4 : 0,
        codes: { '50126': 2, ...(TIMEOUT_INTERVALS.includes(i) ? { '80002': 10 } : {}) },
      },
      histograms,
    });
  }
  return { run, intervals, raw, rawByInterval };
}

/** A histogram of raw values, built independently of the code under test. */
export function fromRaw(values: Iterable<number>): Histogram {
  const h = histogram();
  for (const v of values) h.recordValue(v);
  return h;
}
