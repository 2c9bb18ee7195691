import { type SeriesTag, seriesTag } from '../../src/metrics/types.js';
import type { RunInfo } from '../../src/results/run-info.js';
import { type Histogram, histogram } from './fixture.js';

/**
 * A synthetic 60 s run at 40 agents, built by hand: 32 agents from the start, 8 more join at 20 s (a
 * scale-out), and agent-17 degrades at 30 s (latency ×6, a few PTA timeouts). Latencies come from a fixed
 * formula, so tests can tell what must stand out without running load.
 */
export const AGENTS_40 = Array.from({ length: 40 }, (_, i) => `agent-${i + 1}`);
export const JOIN_AT_S = 20;
export const DEGRADE_AT_S = 30;
export const SLOW_AGENT = 'agent-17';
const INTERVALS = 60;

export function fortyAgentRun(): {
  run: RunInfo;
  intervals: {
    record: import('../../src/metrics/types.js').IntervalRecord;
    histograms: Map<SeriesTag, Histogram>;
  }[];
} {
  const start = Date.parse('2026-12-01T08:00:00.000Z');
  const run: RunInfo = {
    tool: { name: 'ptaload', version: '0.2.0' },
    node: 'v20.0.0',
    platform: 'linux-x64',
    runId: '20261201T080000Z-scale-out-40',
    profile: {
      name: 'scale-out-40',
      resolved: {
        name: 'scale-out-40',
        description: '40 agents, 8 join at 20 s, agent-17 degrades at 30 s',
        thresholds: [],
      },
    },
    target: { kind: 'sim', url: 'http://127.0.0.1:1/tenant/oauth2/v2.0/token', tenant: 'contoso.test' },
    intervalMs: 1000,
    startedAt: new Date(start).toISOString(),
    startEpochMs: start,
    status: 'completed',
    endedAt: new Date(start + INTERVALS * 1000).toISOString(),
    workers: 2,
    connections: 512,
    phases: [{ name: 'storm', shape: 'constant', startMs: 0, endMs: INTERVALS * 1000 }],
    agents: AGENTS_40.slice(0, 32).map((name, i) => ({
      name,
      version: '1.5.193.0',
      site: i % 2 ? 'dc2' : 'dc1',
      cores: 4,
      capacity: 350,
    })),
    timeline: [
      ...AGENTS_40.slice(32).map((agent) => ({
        atMs: JOIN_AT_S * 1000,
        appliedAtMs: JOIN_AT_S * 1000,
        action: 'add' as const,
        agent,
        detail: { agents: [agent] },
        ok: true,
      })),
      {
        atMs: DEGRADE_AT_S * 1000,
        appliedAtMs: DEGRADE_AT_S * 1000,
        action: 'degrade' as const,
        agent: SLOW_AGENT,
        detail: { agents: [SLOW_AGENT], slowFactor: 6, errorRate: 0.02 },
        ok: true,
      },
    ],
    notes: [],
  };
  const intervals = [];
  for (let i = 0; i < INTERVALS; i++) {
    const active = i < JOIN_AT_S ? AGENTS_40.slice(0, 32) : AGENTS_40;
    const histograms = new Map<SeriesTag, Histogram>();
    let completed = 0;
    for (const [a, agent] of active.entries()) {
      const slow = agent === SLOW_AGENT && i >= DEGRADE_AT_S ? 6 : 1;
      const h = histogram();
      const n = 60 + ((a * 13 + i * 7) % 15);
      for (let k = 0; k < n; k++) h.recordValue(slow * (60_000 + ((k * 7919 + i * 131 + a * 1009) % 50_000)));
      histograms.set(seriesTag(agent, 'success'), h);
      completed += n;
      if (slow > 1) {
        const t = histogram();
        t.recordValue(10_000_000);
        t.recordValue(10_050_000);
        histograms.set(seriesTag(agent, 'pta_timeout'), t);
        completed += 2;
      }
    }
    intervals.push({
      record: {
        index: i,
        startMs: i * 1000,
        endMs: (i + 1) * 1000,
        targetRate: completed,
        activeAgents: active,
        phase: 'storm',
        sent: completed,
        completed,
        lateStarts: 0,
        maxSlipUs: 500,
        inFlight: 0,
        codes: i >= DEGRADE_AT_S ? { '80002': 2 } : {},
      },
      histograms,
    });
  }
  return { run, intervals };
}
