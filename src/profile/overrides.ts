/** The load a command line asks for instead of the profile's (--rate, --duration, --agents), applied to the typed profile before its cross-checks. */
import { UsageError } from '../errors.js';
import { peakTargetRate, phasesDurationMs } from './phases.js';
import { formatDuration, formatRate } from './quantities.js';
import type { Phase, RawProfile } from './raw-schema.js';

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
  const phases = raw.load.phases.map((p) => scaledRates(p, f));
  return { ...raw, load: { ...raw.load, phases } };
}

function scaledRates(p: Phase, f: (perS: number) => number): Phase {
  switch (p.shape) {
    case 'constant':
      return { ...p, rate: f(p.rate) };
    case 'ramp':
      return { ...p, from: f(p.from), to: f(p.to) };
    case 'burst':
      return { ...p, base: f(p.base), spike: f(p.spike) };
    case 'step':
      return { ...p, start: f(p.start), increment: f(p.increment), until: f(p.until) };
  }
}

/**
 * Plays the same curve faster or slower: phase lengths, burst periods, step lengths and timeline times are
 * all scaled by one factor, so the peak, the number of spikes and steps, and where events fall stay as written.
 */
function withDuration(raw: RawProfile, durationMs: number): RawProfile {
  const factor = durationMs / phasesDurationMs(raw);
  const t = (ms: number) => Math.round(ms * factor * 1000) / 1000;
  const phases = raw.load.phases.map((p) => scaledTimes(p, t));
  const squeezed = phases.find(
    (p) => (p.shape === 'burst' && p.widthMs < 1) || (p.shape === 'step' && p.everyMs < 1),
  );
  if (squeezed) {
    throw new UsageError(
      `--duration ${formatDuration(durationMs)} squeezes ${squeezed.name}'s ${squeezed.shape === 'burst' ? 'spikes' : 'steps'} below 1ms; give a longer --duration.`,
    );
  }
  const timeline = raw.agents.timeline.map((e) => ({ ...e, atMs: t(e.atMs) }));
  return { ...raw, load: { ...raw.load, phases }, agents: { ...raw.agents, timeline } };
}

function scaledTimes(p: Phase, t: (ms: number) => number): Phase {
  switch (p.shape) {
    case 'constant':
    case 'ramp':
      return { ...p, durationMs: t(p.durationMs) };
    case 'burst': {
      const everyMs = t(p.everyMs);
      return {
        ...p,
        durationMs: t(p.durationMs),
        widthMs: Math.min(t(p.widthMs), everyMs),
        everyMs,
        // Rounding must not push the first spike a whole period out.
        offsetMs: Math.min(t(p.offsetMs), everyMs - 0.001),
      };
    }
    case 'step': {
      const everyMs = t(p.everyMs);
      const steps = p.durationMs / p.everyMs;
      // A whole number of steps stays whole: rounding must not add a sliver of one more (higher) step.
      const whole = Math.abs(steps - Math.round(steps)) < 1e-9;
      return { ...p, durationMs: whole ? Math.round(steps) * everyMs : t(p.durationMs), everyMs };
    }
  }
}
