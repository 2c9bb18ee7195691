import { isDeepStrictEqual } from 'node:util';
import type { RunInfo } from '../results/run-info.js';

export interface ProfileDifference {
  readonly text: string;
  /** A different test altogether (profile, load schedule, kind of target): refused without --force. */
  readonly blocking: boolean;
}

type Resolved = Record<string, unknown> & {
  load?: Record<string, unknown>;
  target?: Record<string, unknown>;
  agents?: Record<string, unknown>;
};

/**
 * What differs between the tests two runs ran. The profile's name, its load and the kind of target define
 * the test; agent versions are expected to differ (that is the point of an upgrade comparison), and other
 * settings are worth a note. Pure.
 */
export function profileDifferences(baseline: RunInfo, candidate: RunInfo): ProfileDifference[] {
  const out: ProfileDifference[] = [];
  const b = resolved(baseline);
  const c = resolved(candidate);
  if (baseline.profile.name !== candidate.profile.name) {
    out.push({
      text: `profile '${baseline.profile.name}' vs '${candidate.profile.name}'`,
      blocking: true,
    });
  }
  if (baseline.target.kind !== candidate.target.kind) {
    out.push({ text: `target ${baseline.target.kind} vs ${candidate.target.kind}`, blocking: true });
  }
  const { intervalMs: intervalB, ...loadB } = b.load ?? {};
  const { intervalMs: intervalC, ...loadC } = c.load ?? {};
  const schedule = (l: Record<string, unknown>) => ({ phases: l.phases, arrivals: l.arrivals });
  if (!isDeepStrictEqual(schedule(loadB), schedule(loadC)) || !isDeepStrictEqual(b.sweep, c.sweep)) {
    out.push({ text: 'a different load schedule (load.phases, load.arrivals or sweep)', blocking: true });
  }
  if (baseline.intervalMs !== candidate.intervalMs) {
    out.push({
      text: `Interval length ${baseline.intervalMs} ms vs ${candidate.intervalMs} ms (figures are comparable; confidence intervals use each run's own intervals).`,
      blocking: false,
    });
  }
  const otherLoad = (l: Record<string, unknown>) => ({ ...l, phases: undefined, arrivals: undefined });
  if (!isDeepStrictEqual(otherLoad(loadB), otherLoad(loadC))) {
    out.push({ text: 'Load settings (workers, connections, timeouts) differ.', blocking: false });
  }
  if (!isDeepStrictEqual(b.target, c.target) && baseline.target.kind === candidate.target.kind) {
    out.push({ text: 'Target settings differ (seed, TLS, timeouts or tenant).', blocking: false });
  }
  if (!isDeepStrictEqual(b.users, c.users)) out.push({ text: 'Test users differ.', blocking: false });
  if (!isDeepStrictEqual(b.agents?.versions, c.agents?.versions)) {
    out.push({ text: 'The simulated performance per version (agents.versions) differs.', blocking: false });
  }
  if (!isDeepStrictEqual(b.agents?.timeline, c.agents?.timeline)) {
    out.push({ text: 'The agent timeline differs.', blocking: false });
  }
  if (baseline.tool.version !== candidate.tool.version) {
    out.push({
      text: `Measured with ptaload ${baseline.tool.version} vs ${candidate.tool.version}.`,
      blocking: false,
    });
  }
  return out;
}

function resolved(run: RunInfo): Resolved {
  const r = run.profile.resolved;
  return typeof r === 'object' && r !== null ? (r as Resolved) : {};
}
