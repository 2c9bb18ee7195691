/**
 * One open-model ptaload run against a bench endpoint, judged after its first interval (thread warm-up and
 * connection set-up are reported, not judged): what it achieved against what was scheduled, how late it
 * sent, its latency, and its CPU per sign-in (this process: coordinator and worker threads together).
 */
import type { Histogram } from 'hdr-histogram-js';
import { runLoad } from '../../src/load/coordinator.js';
import type { LoadPlan } from '../../src/load/load-plan.js';
import { addHistograms } from '../../src/metrics/totals.js';
import type { Target } from '../../src/targets/target.js';
import { buildUserTable } from '../../src/users/user-table.js';
import { BENCH_TOKEN_PATH } from './autocannon-rate.js';

export interface TrialOptions {
  readonly origin: string;
  readonly rate: number;
  readonly seconds: number;
  readonly workers: number;
  readonly connections: number;
  readonly ca?: string;
  /**
   * Seconds of ramp from a tenth of the rate before the judged constant part (opens connections, and TLS
   * handshakes, gradually, as a real morning does). Judging starts after it.
   */
  readonly warmupSeconds?: number;
  /** Called once per judged interval with the process's RSS (MB), for soak figures. */
  readonly onInterval?: (index: number, rssMb: number) => void;
}

export interface Trial {
  readonly scheduledPerS: number;
  readonly achievedPerS: number;
  /** achieved / scheduled over the judged intervals. */
  readonly achievedRatio: number;
  readonly lateShare: number;
  readonly saturated: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuUsPerSignIn: number;
  readonly startEpochMs: number;
  /** The schedule's intended start times (ms since time zero) of the judged part, by arrival number. */
  readonly judgedFromMs: number;
  readonly phases: LoadPlan['phases'];
}

export function benchUsers(count = 1000) {
  return Array.from({ length: count }, (_, i) => ({
    username: `bench${String(i).padStart(5, '0')}@contoso.test`,
    password: `Pa55word-${i}!`,
    state: 'active' as const,
  }));
}

export async function ptaloadTrial(o: TrialOptions): Promise<Trial> {
  const target: Target = {
    kind: 'entra',
    url: o.origin,
    tenant: 'contoso.test',
    request: {
      origin: o.origin,
      tokenPath: BENCH_TOKEN_PATH,
      clientId: 'bench',
      scope: 'openid profile',
      ...(o.ca ? { ca: o.ca } : {}),
    },
    users: buildUserTable(benchUsers()),
    agents: [],
    applyEvent: async () => ({ ok: true, agents: [] }),
    close: async () => {},
  };
  const warmup = o.warmupSeconds ?? 0;
  const plan: LoadPlan = {
    phases: [
      ...(warmup > 0
        ? [
            {
              name: 'warm-up',
              durationMs: warmup * 1000,
              shape: 'ramp' as const,
              from: o.rate / 10,
              to: o.rate,
            },
          ]
        : []),
      { name: 'bench', durationMs: o.seconds * 1000, shape: 'constant', rate: o.rate },
    ],
    arrivals: 'uniform',
    seed: 1,
    intervalMs: 1000,
    lateThresholdMs: 5,
    workers: o.workers,
    connections: o.connections,
    timeoutMs: 10_000,
    wrongPasswordShare: 0,
    timeline: [],
    stopGraceMs: 2000,
  };
  let sent = 0;
  let completed = 0;
  let late = 0;
  let saturated = 0;
  let judgedMs = 0;
  let cpuAtJudgeStart: NodeJS.CpuUsage | undefined;
  let cpuUs = 0;
  const series: Histogram[] = [];
  const firstJudged = warmup > 0 ? warmup : 1;
  const lastJudged = warmup + o.seconds - 1;
  const result = await runLoad(plan, target, {
    interval: (record, histograms) => {
      if (record.index < firstJudged) {
        if (record.index === firstJudged - 1) cpuAtJudgeStart = process.cpuUsage();
        return;
      }
      if (record.index > lastJudged) return;
      sent += record.sent;
      completed += record.completed;
      late += record.lateStarts;
      saturated += record.saturated ?? 0;
      judgedMs += record.endMs - record.startMs;
      for (const h of histograms.values()) series.push(h);
      if (record.index === lastJudged && cpuAtJudgeStart) {
        const c = process.cpuUsage(cpuAtJudgeStart);
        cpuUs = c.user + c.system;
      }
      o.onInterval?.(record.index, process.memoryUsage().rss / 2 ** 20);
    },
    timeline: () => {},
    note: () => {},
  });
  const all = addHistograms(series);
  const judgedS = judgedMs / 1000;
  const achievedPerS = judgedS > 0 ? completed / judgedS : 0;
  return {
    scheduledPerS: o.rate,
    achievedPerS,
    achievedRatio: achievedPerS / o.rate,
    lateShare: sent > 0 ? late / sent : 1,
    saturated,
    p50Ms: all.totalCount > 0 ? all.getValueAtPercentile(50) / 1000 : 0,
    p99Ms: all.totalCount > 0 ? all.getValueAtPercentile(99) / 1000 : 0,
    cpuUsPerSignIn: completed > 0 ? cpuUs / completed : 0,
    startEpochMs: result.startEpochMs,
    judgedFromMs: firstJudged * 1000,
    phases: plan.phases,
  };
}

export function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
