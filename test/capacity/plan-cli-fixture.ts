import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type SeriesTag, seriesTag } from '../../src/metrics/types.js';
import type { RunInfo, TimelineRecord } from '../../src/results/run-info.js';
import { ResultsWriter } from '../../src/results/writer.js';
import { type Histogram, histogram } from '../report/fixture.js';

/**
 * A synthetic step ramp against `agents` agents whose knee is exactly `kneePerS`: every step at or below it is
 * answered in full within 20–40 ms; above it the tenant answers `kneePerS` and latency is 1.5 s. So each step's
 * achieved rate, p99 and error rate are known without running anything.
 */
export interface StepRun {
  readonly agents: number;
  readonly kneePerS: number;
  /** Step targets as multiples of the knee. */
  readonly steps?: readonly number[];
  readonly intervalsPerStep?: number;
  /** Intervals of the last step (a run its sweep stopped early). */
  readonly lastStepIntervals?: number;
  /** Configured capacity per agent written into run.json (the simulator's setting). */
  readonly configuredPerAgentPerS?: number;
  readonly timeline?: readonly TimelineRecord[];
  readonly profile?: string;
}

export const SLOW_US = 1_500_000;

export async function writeStepRun(dir: string, o: StepRun): Promise<void> {
  const steps = (o.steps ?? [0.5, 0.75, 1, 1.25, 1.5]).map((m) => Math.round(m * o.kneePerS));
  const perStep = o.intervalsPerStep ?? 4;
  const names = Array.from({ length: o.agents }, (_, i) => `agent-${i + 1}`);
  const targets = steps.flatMap((t, i) =>
    Array.from({ length: i === steps.length - 1 ? (o.lastStepIntervals ?? perStep) : perStep }, () => t),
  );
  const startEpochMs = Date.parse('2026-11-25T08:00:00.000Z');
  const run: RunInfo = {
    tool: { name: 'ptaload', version: '0.1.0' },
    node: 'v20.0.0',
    platform: 'linux-x64',
    runId: `20261125T080000Z-${o.agents}`,
    profile: {
      name: o.profile ?? 'agent-sweep',
      resolved: { name: o.profile ?? 'agent-sweep', thresholds: [] },
    },
    target: { kind: 'sim', url: 'http://127.0.0.1:1/contoso/oauth2/v2.0/token', tenant: 'contoso.test' },
    intervalMs: 1000,
    startedAt: '2026-11-25T08:00:00.000Z',
    startEpochMs,
    status: 'completed',
    endedAt: new Date(startEpochMs + targets.length * 1000).toISOString(),
    workers: 1,
    connections: 16,
    phases: [{ name: 'ramp', shape: 'step', startMs: 0, endMs: targets.length * 1000 }],
    agents: names.map((name) => ({
      name,
      version: '1.0.0',
      site: 'default',
      cores: 4,
      capacity: o.configuredPerAgentPerS ?? 350,
    })),
    timeline: [...(o.timeline ?? [])],
    notes: [],
  };
  const writer = await ResultsWriter.create(dir, run);
  for (const [i, target] of targets.entries()) {
    const over = target > o.kneePerS;
    const answered = Math.min(target, o.kneePerS);
    const histograms = new Map<SeriesTag, Histogram>();
    for (let k = 0; k < answered; k++) {
      const tag = seriesTag(names[k % names.length]!, 'success');
      const h = histograms.get(tag) ?? histogram();
      h.recordValue(over ? SLOW_US : 20_000 + ((k * 7919) % 20_000));
      histograms.set(tag, h);
    }
    await writer.appendInterval(
      {
        index: i,
        startMs: i * 1000,
        endMs: (i + 1) * 1000,
        targetRate: target,
        activeAgents: names,
        phase: 'ramp',
        sent: target,
        completed: answered,
        lateStarts: 0,
        maxSlipUs: 0,
        inFlight: 0,
        codes: {},
      },
      histograms,
    );
  }
}

/** A sweep folder as `ptaload run` writes it: sweep.json and one results folder per agent count. */
export async function writeSweep(
  dir: string,
  runs: readonly (StepRun & { readonly stoppedEarly?: boolean })[],
  stopWhen: { p99Ms?: number; errorRate?: number } = { p99Ms: 1000, errorRate: 0.01 },
): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const r of runs) await writeStepRun(join(dir, sub(r.agents)), r);
  const index = {
    sweepVersion: 1,
    profile: 'agent-sweep',
    agentCounts: runs.map((r) => r.agents),
    settleMs: 0,
    stopWhen,
    startedAt: '2026-11-25T08:00:00.000Z',
    endedAt: '2026-11-25T08:05:00.000Z',
    status: 'completed',
    runs: runs.map((r) => ({
      agents: r.agents,
      dir: sub(r.agents),
      status: 'completed',
      achievedPerS: r.kneePerS,
      stoppedEarly: r.stoppedEarly ?? false,
    })),
  };
  await writeFile(join(dir, 'sweep.json'), `${JSON.stringify(index, null, 2)}\n`);
}

function sub(agents: number): string {
  return `agents-${String(agents).padStart(2, '0')}`;
}
