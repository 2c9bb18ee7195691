/**
 * The rate shapes of a load phase as functions of time since the phase began. Each shape knows its rate,
 * the arrivals it expects up to a moment (the integral of its rate), and how it splits into pieces whose
 * rate is linear in time, which is what lets a schedule invert the integral exactly.
 * Rates come in per second (as profiles state them); time is in ms; integrals are in arrivals.
 */

/** What the schedule needs of a normalised profile phase (src/profile's `Phase` fits this). */
export type SchedulePhase = { readonly name: string; readonly durationMs: number } & (
  | { readonly shape: 'constant'; readonly rate: number }
  | { readonly shape: 'ramp'; readonly from: number; readonly to: number }
  | {
      readonly shape: 'burst';
      readonly base: number;
      readonly spike: number;
      readonly widthMs: number;
      readonly everyMs: number;
      readonly offsetMs?: number;
    }
  | {
      readonly shape: 'step';
      readonly start: number;
      readonly increment: number;
      readonly everyMs: number;
      readonly until: number;
    }
);

/** A stretch [startMs, endMs) of a phase whose rate is `ratePerMs + slopePerMs2 · (t − startMs)`. */
export interface Piece {
  readonly startMs: number;
  readonly endMs: number;
  readonly ratePerMs: number;
  readonly slopePerMs2: number;
}

export interface RateShape {
  readonly durationMs: number;
  /** Rate per second at `t` ms into the phase (0 ≤ t < durationMs). */
  rateAt(t: number): number;
  /** Expected arrivals in [0, t). */
  integral(t: number): number;
  /** The k-th linear piece (k = 0, 1, …), or undefined past the last. Pieces tile [0, durationMs). */
  piece(k: number): Piece | undefined;
}

const PER_MS = 1 / 1000;

function flat(startMs: number, endMs: number, ratePerS: number): Piece {
  return { startMs, endMs, ratePerMs: ratePerS * PER_MS, slopePerMs2: 0 };
}

function constant(d: number, rate: number): RateShape {
  return {
    durationMs: d,
    rateAt: () => rate,
    integral: (t) => rate * t * PER_MS,
    piece: (k) => (k === 0 ? flat(0, d, rate) : undefined),
  };
}

function ramp(d: number, from: number, to: number): RateShape {
  const slope = d > 0 ? (to - from) / d : 0;
  return {
    durationMs: d,
    rateAt: (t) => from + slope * t,
    integral: (t) => (from * t + (slope * t * t) / 2) * PER_MS,
    piece: (k) =>
      k === 0 ? { startMs: 0, endMs: d, ratePerMs: from * PER_MS, slopePerMs2: slope * PER_MS } : undefined,
  };
}

/** Base rate, with spikes of `widthMs` every `everyMs` from `offsetMs` on. Pieces: pre-offset, then spike/base pairs. */
function burst(
  d: number,
  base: number,
  spike: number,
  widthMs: number,
  everyMs: number,
  offsetMs: number,
): RateShape {
  const width = Math.min(widthMs, everyMs);
  const spikeTime = (t: number): number => {
    if (t <= offsetMs) return 0;
    const u = t - offsetMs;
    const periods = Math.floor(u / everyMs);
    return periods * width + Math.min(u - periods * everyMs, width);
  };
  return {
    durationMs: d,
    rateAt: (t) => {
      if (t < offsetMs) return base;
      const u = t - offsetMs;
      return u - Math.floor(u / everyMs) * everyMs < width ? spike : base;
    },
    integral: (t) => (base * t + (spike - base) * spikeTime(t)) * PER_MS,
    piece: (k) => {
      if (k === 0) return flat(0, Math.min(offsetMs, d), base);
      const periodStart = offsetMs + Math.floor((k - 1) / 2) * everyMs;
      const isSpike = (k - 1) % 2 === 0;
      const start = isSpike ? periodStart : periodStart + width;
      if (start >= d) return undefined;
      return flat(
        start,
        Math.min(isSpike ? periodStart + width : periodStart + everyMs, d),
        isSpike ? spike : base,
      );
    },
  };
}

/** `start`, then `increment` more every `everyMs`, never past `until` (in the direction of the increment). */
function step(d: number, start: number, increment: number, everyMs: number, until: number): RateShape {
  // Steps before this index are below `until`; the rest sit at `until`.
  let unclamped = Number.POSITIVE_INFINITY;
  if (increment > 0) unclamped = start > until ? 0 : Math.floor((until - start) / increment) + 1;
  else if (increment < 0) unclamped = start < until ? 0 : Math.floor((start - until) / -increment) + 1;
  const rateOfStep = (j: number): number => (j < unclamped ? start + j * increment : until);
  return {
    durationMs: d,
    rateAt: (t) => rateOfStep(Math.floor(t / everyMs)),
    integral: (t) => {
      const j = Math.floor(t / everyMs);
      const q = Math.min(j, unclamped);
      const full = (q * start + (increment * q * (q - 1)) / 2 + (j - q) * until) * everyMs;
      return (full + rateOfStep(j) * (t - j * everyMs)) * PER_MS;
    },
    piece: (k) => {
      const s = k * everyMs;
      if (s >= d) return undefined;
      return flat(s, Math.min(s + everyMs, d), rateOfStep(k));
    },
  };
}

function check(phase: SchedulePhase, field: string, value: number, positive: boolean): void {
  if (!Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    throw new RangeError(
      `phase '${phase.name}': ${field} must be a finite number ${positive ? '> 0' : '≥ 0'}, got ${value}`,
    );
  }
}

export function shapeOf(phase: SchedulePhase): RateShape {
  const d = phase.durationMs;
  check(phase, 'durationMs', d, false);
  switch (phase.shape) {
    case 'constant':
      check(phase, 'rate', phase.rate, false);
      return constant(d, phase.rate);
    case 'ramp':
      check(phase, 'from', phase.from, false);
      check(phase, 'to', phase.to, false);
      return ramp(d, phase.from, phase.to);
    case 'burst': {
      const offsetMs = phase.offsetMs ?? 0;
      check(phase, 'base', phase.base, false);
      check(phase, 'spike', phase.spike, false);
      check(phase, 'widthMs', phase.widthMs, false);
      check(phase, 'everyMs', phase.everyMs, true);
      check(phase, 'offsetMs', offsetMs, false);
      return burst(d, phase.base, phase.spike, phase.widthMs, phase.everyMs, offsetMs);
    }
    case 'step':
      check(phase, 'start', phase.start, false);
      check(phase, 'until', phase.until, false);
      check(phase, 'everyMs', phase.everyMs, true);
      if (!Number.isFinite(phase.increment))
        throw new RangeError(`phase '${phase.name}': increment must be finite`);
      return step(d, phase.start, phase.increment, phase.everyMs, phase.until);
  }
}
