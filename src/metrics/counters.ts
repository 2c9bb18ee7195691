import type { GeneratorSample, IntervalCounters } from './types.js';

export function zeroCounters(): IntervalCounters {
  return {
    sent: 0,
    completed: 0,
    lateStarts: 0,
    maxSlipUs: 0,
    inFlight: 0,
    codes: {},
    clamped: 0,
    saturated: 0,
  };
}

/**
 * The same interval seen by several workers or shards: counts add, slip takes the worst, and in-flight adds
 * because each worker's in-flight requests are distinct requests at the same moment.
 */
export function mergeCounters(...parts: readonly IntervalCounters[]): IntervalCounters {
  const out = zeroCounters();
  for (const part of parts) addCountersInto(out, part);
  return out;
}

/** mergeCounters, in place (the merger's hot-ish path avoids one object per snapshot). */
export function addCountersInto(target: IntervalCounters, part: IntervalCounters): void {
  target.sent += part.sent;
  target.completed += part.completed;
  target.lateStarts += part.lateStarts;
  if (part.maxSlipUs > target.maxSlipUs) target.maxSlipUs = part.maxSlipUs;
  target.inFlight += part.inFlight;
  target.clamped = (target.clamped ?? 0) + (part.clamped ?? 0);
  target.saturated = (target.saturated ?? 0) + (part.saturated ?? 0);
  if (part.lockouts !== undefined) {
    // Workers and shards hold disjoint users, so first-time lockouts add up exactly.
    target.lockouts ??= { users: 0, unexplained: 0 };
    target.lockouts.users += part.lockouts.users;
    target.lockouts.unexplained += part.lockouts.unexplained;
  }
  if (part.scheduled !== undefined) target.scheduled = (target.scheduled ?? 0) + part.scheduled;
  if (part.generator !== undefined) target.generator = mergeGenerator(target.generator, part.generator);
  addCodesInto(target.codes, part.codes);
}

/** Worst of two workers' (or shards') health figures; queued requests add, being distinct requests. */
function mergeGenerator(a: GeneratorSample | undefined, b: GeneratorSample): GeneratorSample {
  if (a === undefined) return { ...b };
  return {
    loopDelayP99Us: Math.max(a.loopDelayP99Us, b.loopDelayP99Us),
    loopDelayMaxUs: Math.max(a.loopDelayMaxUs, b.loopDelayMaxUs),
    busyShare: Math.max(a.busyShare, b.busyShare),
    queuedPeak: a.queuedPeak + b.queuedPeak,
    queuedSends: (a.queuedSends ?? 0) + (b.queuedSends ?? 0),
  };
}

/**
 * Successive intervals into a run total: counts add and slip takes the worst, but in-flight is a level, not a
 * flow, so the total keeps the latest interval's (what was still awaited when the run stopped).
 */
export function accumulateCounters(total: IntervalCounters, next: IntervalCounters): IntervalCounters {
  const out = mergeCounters(total, next);
  out.inFlight = next.inFlight;
  return out;
}

function addCodesInto(target: Record<string, number>, part: Readonly<Record<string, number>>): void {
  for (const code in part) target[code] = (target[code] ?? 0) + (part[code] ?? 0);
}
