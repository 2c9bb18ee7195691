/** The load a command line asks for instead of the profile's (--rate, --duration, --agents), applied to the typed profile before its cross-checks. */
import { UsageError } from '../errors.js';
import { peakTargetRate, phasesDurationMs } from './phases.js';
import { formatDuration, formatRate } from './quantities.js';
import type { Phase, RawProfile } from './raw-schema.js';
import { withRates, withTimes } from './shapes/registry.js';

export interface LoadOverrides {
  /** Per second: the run's new peak. Every phase is scaled by the same factor, so shapes keep their form. */
  readonly rate?: number;
  /** One pass through load.phases, in ms. Everything on the run's clock is scaled by the same factor. */
  readonly durationMs?: number;
  /** How many agents the simulated tenant starts with. */
  readonly agents?: number;
}

const SPELLING: Readonly<Record<keyof LoadOverrides, string>> = {
  rate: '--rate',
  durationMs: '--duration',
  agents: '--agents',
};

/** The overrides given, as the user typed them: `--rate, --duration`. */
export function givenLoadOverrides(o: LoadOverrides): string[] {
  return (Object.keys(SPELLING) as (keyof LoadOverrides)[])
    .filter((k) => o[k] !== undefined)
    .map((k) => SPELLING[k]);
}

/** `--rate 200/s, --duration 2m`: for run.json's notes and `validate`, so a reader knows the file is not all. */
export function describeLoadOverrides(o: LoadOverrides): string | undefined {
  const parts = [
    ...(o.rate === undefined ? [] : [`--rate ${formatRate(o.rate)}`]),
    ...(o.durationMs === undefined ? [] : [`--duration ${formatDuration(o.durationMs)}`]),
    ...(o.agents === undefined ? [] : [`--agents ${o.agents}`]),
  ];
  return parts.length === 0 ? undefined : parts.join(', ');
}

/**
 * The profile with the overrides written in. Pure; cross-checks (the rate cap, the timeline, the sweep's
 * counts) run afterwards on the result, so they judge what will actually run.
 */
export function applyLoadOverrides(raw: RawProfile, o: LoadOverrides): RawProfile {
  let out = raw;
  if (o.agents !== undefined) out = withAgents(out, o.agents);
  if (o.durationMs !== undefined) out = withDuration(out, o.durationMs);
  if (o.rate !== undefined) out = withPeakRate(out, o.rate);
  return out;
}

function withAgents(raw: RawProfile, n: number): RawProfile {
  if (raw.target.kind !== 'sim') {
    throw new UsageError(
      `--agents sets how many agents the simulated tenant starts with; a real tenant runs the agents installed in it. Drop --agents, and change real agents through agents.hooks and agents.timeline.`,
    );
  }
  const { list } = raw.agents;
  if (list === undefined) return { ...raw, agents: { ...raw.agents, count: n } };
  if (n > list.length) {
    throw new UsageError(
      `--agents ${n}: the profile lists ${list.length} agent(s) in agents.list, and --agents keeps the first n of them. Give --agents 1 to ${list.length}, or list more agents in the profile.`,
    );
  }
  return { ...raw, agents: { ...raw.agents, list: list.slice(0, n) } };
}

/** Scales the rate curve so its peak is `rate`: a ramp still ramps, a burst still spikes above its base. */
function withPeakRate(raw: RawProfile, rate: number): RawProfile {
  const peak = peakTargetRate(raw);
  if (peak <= 0) {
    throw new UsageError(
      `--rate ${formatRate(rate)}: every phase of this profile has rate 0, so there is no curve to scale; give a phase a rate in the profile.`,
    );
  }
  // The value at the peak becomes `rate` exactly, so a cap equal to --rate is not missed by a rounding error.
  const f = (v: number) => (v === peak ? rate : (v * rate) / peak);
  const phases = raw.load.phases.map((p) => withRates(p, f));
  return { ...raw, load: { ...raw.load, phases } };
}

/**
 * Plays the same curve faster or slower: phase lengths, burst periods, step lengths and timeline times are
 * all scaled by one factor, so the peak, the number of spikes and steps, and where events fall stay as written.
 */
function withDuration(raw: RawProfile, durationMs: number): RawProfile {
  const factor = durationMs / phasesDurationMs(raw);
  const t = (ms: number) => Math.round(ms * factor * 1000) / 1000;
  const phases = raw.load.phases.map((p) => {
    const scaled = withTimes(p, t);
    const field = squeezedField(p, scaled);
    if (field !== undefined) {
      throw new UsageError(
        `--duration ${formatDuration(durationMs)} squeezes phase ${p.name}'s ${field} below 1ms; give a longer --duration.`,
      );
    }
    return scaled;
  });
  const timeline = raw.agents.timeline.map((e) => ({ ...e, atMs: t(e.atMs) }));
  return { ...raw, load: { ...raw.load, phases }, agents: { ...raw.agents, timeline } };
}

/** A time of the phase (a `…Ms` field) that was at least 1 ms and is no longer: too short to schedule. */
function squeezedField(before: Phase, after: Phase): string | undefined {
  const was = new Map(Object.entries(before));
  for (const [key, value] of Object.entries(after)) {
    const old = was.get(key);
    if (key.endsWith('Ms') && typeof value === 'number' && typeof old === 'number' && old >= 1 && value < 1) {
      return key.replace(/Ms$/, '');
    }
  }
  return undefined;
}
