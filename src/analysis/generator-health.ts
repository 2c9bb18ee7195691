/** Whether a run measured the tenant or the generator: the generator's own figures against documented limits. */
import type { IntervalStats } from '../metrics/interval-stats.js';

/** Over any one of these, the run is generator-limited. Defaults: DEFAULT_GENERATOR_LIMITS; the command line may change them. */
export interface GeneratorLimits {
  /** Share of sends that left later than the profile's lateThreshold after their intended time. */
  readonly lateShare: number;
  /** p99 of schedule slip (actual − intended send) over the run, ms. */
  readonly slipP99Ms: number;
  /** 90th percentile over intervals of the worst worker's event-loop delay p99, ms. */
  readonly loopDelayP99Ms: number;
  /** Mean over intervals of the busiest worker's event-loop utilisation (its thread's share of time busy), 0–1. */
  readonly busyShare: number;
  /** Share of arrivals that found every connection busy: sends that waited in the client, and arrivals not sent at the admission cap. */
  readonly queuedShare: number;
}

/** How each was chosen is in the README (Generator health): healthy and starved runs on a shared 2-core machine. */
export const DEFAULT_GENERATOR_LIMITS: GeneratorLimits = {
  lateShare: 0.75,
  slipP99Ms: 500,
  loopDelayP99Ms: 500,
  busyShare: 0.95,
  queuedShare: 0.1,
};

interface GeneratorFigures {
  readonly lateShare: number | null;
  readonly slipP99Ms: number | null;
  readonly loopDelayP99Ms: number | null;
  readonly busyShare: number | null;
  readonly queuedShare: number | null;
}

export interface GeneratorVerdict {
  /** True when any recorded figure is over its limit: thresholds cannot pass and the run exits 4. */
  readonly limited: boolean;
  readonly figures: GeneratorFigures;
  readonly limits: GeneratorLimits;
  /** Each figure over its limit, in words. */
  readonly breaches: readonly string[];
  /** What to do about it; null when not limited. */
  readonly advice: string | null;
}

export const GENERATOR_LIMITED_TEXT = 'these figures measure the generator, not the tenant';

const NAMES: Record<keyof GeneratorLimits, string> = {
  lateShare: 'late',
  slipP99Ms: 'slip',
  loopDelayP99Ms: 'loop',
  busyShare: 'busy',
  queuedShare: 'queued',
};

/** Limit names as the command line spells them (`--generator-limits late=2%,slip=50ms`). */
export const GENERATOR_LIMIT_FLAGS: Readonly<Record<string, keyof GeneratorLimits>> = Object.fromEntries(
  Object.entries(NAMES).map(([key, flag]) => [flag, key as keyof GeneratorLimits]),
);

/**
 * Judges the run's intervals. The first interval is left out of the per-thread figures (threads warm up and
 * connections open then); late starts and slip count from the first send on, since every one of them is in the
 * latencies.
 */
export function judgeGenerator(
  series: readonly IntervalStats[],
  slipP99Ms: number | null,
  limits: GeneratorLimits = DEFAULT_GENERATOR_LIMITS,
): GeneratorVerdict {
  let sent = 0;
  let late = 0;
  let queued = 0;
  let queueCounted = false;
  let saturated = 0;
  for (const s of series) {
    sent += s.sent;
    late += s.lateStarts;
    saturated += s.saturated;
    if (s.generator?.queuedSends !== undefined) {
      queued += s.generator.queuedSends;
      queueCounted = true;
    }
  }
  const judged = series.slice(1).filter((s) => s.generator !== null && s.sent > 0);
  const sampled = judged.map((s) => s.generator!);
  const figures: GeneratorFigures = {
    lateShare: sent > 0 ? late / sent : null,
    slipP99Ms,
    loopDelayP99Ms:
      sampled.length > 0
        ? quantile(
            sampled.map((g) => g.loopDelayP99Us / 1000),
            0.9,
          )
        : null,
    busyShare: sampled.length > 0 ? sampled.reduce((a, g) => a + g.busyShare, 0) / sampled.length : null,
    // Arrivals turned away at the admission cap waited for a connection too, and were never sent at all.
    queuedShare: queueCounted && sent + saturated > 0 ? (queued + saturated) / (sent + saturated) : null,
  };
  const breaches: string[] = [];
  const over = (key: keyof GeneratorLimits, text: (v: number) => string) => {
    const v = figures[key];
    if (v !== null && v > limits[key]) breaches.push(text(v));
  };
  over('lateShare', (v) => `${pct(v)} of sends started late (limit ${pct(limits.lateShare)})`);
  over('slipP99Ms', (v) => `schedule slip p99 ${ms(v)} (limit ${ms(limits.slipP99Ms)})`);
  over(
    'loopDelayP99Ms',
    (v) =>
      `worker event-loop delay p99 ${ms(v)} in the worst 10 % of intervals (limit ${ms(limits.loopDelayP99Ms)})`,
  );
  over('busyShare', (v) => `workers busy ${pct(v)} of the time (limit ${pct(limits.busyShare)})`);
  over(
    'queuedShare',
    (v) =>
      `${pct(v)} of arrivals found no free connection (waited in the client or were not sent) (limit ${pct(limits.queuedShare)})`,
  );
  return {
    limited: breaches.length > 0,
    figures,
    limits,
    breaches,
    advice: breaches.length > 0 ? advise(figures, limits) : null,
  };
}

function advise(f: GeneratorFigures, l: GeneratorLimits): string {
  const steps: string[] = [];
  if ((f.queuedShare ?? 0) > l.queuedShare) steps.push('open more connections (--connections)');
  steps.push('lower the rate, or add workers (--workers, up to the cores you have)');
  steps.push('or split the rate over several machines (--shard i/n, then ptaload merge)');
  return `${GENERATOR_LIMITED_TEXT}: the generator could not keep its schedule, so latencies include its own delays. To measure the tenant, ${steps.join(', ')}; rerun on a quiet machine.`;
}

/** `late=2%,slip=50ms,…` → limits over the defaults; undefined + a message naming the part when a part is wrong. */
export function parseGeneratorLimits(
  text: string,
): { ok: true; limits: Partial<GeneratorLimits> } | { ok: false; error: string } {
  const out: Partial<Record<keyof GeneratorLimits, number>> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([a-z]+)\s*=\s*(\d+(?:\.\d+)?)\s*(%|ms|s)?$/i.exec(part);
    const key = m ? GENERATOR_LIMIT_FLAGS[m[1]!.toLowerCase()] : undefined;
    if (!m || !key) {
      return {
        ok: false,
        error: `'${part}' is not name=value with a name of ${Object.keys(GENERATOR_LIMIT_FLAGS).join(', ')}`,
      };
    }
    const value = Number(m[2]);
    const unit = m[3]?.toLowerCase();
    const isShare = key === 'lateShare' || key === 'busyShare' || key === 'queuedShare';
    if (isShare && unit !== '%' && unit !== undefined)
      return { ok: false, error: `'${part}': ${m[1]} is a share, e.g. ${m[1]}=5%` };
    if (!isShare && unit === '%')
      return { ok: false, error: `'${part}': ${m[1]} is a duration, e.g. ${m[1]}=50ms` };
    out[key] = isShare ? (unit === '%' ? value / 100 : value) : unit === 's' ? value * 1000 : value;
    if (isShare && out[key]! > 1) return { ok: false, error: `'${part}': a share is at most 100%` };
  }
  return { ok: true, limits: out };
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function pct(v: number): string {
  return `${Math.round(v * 1000) / 10} %`;
}

function ms(v: number): string {
  return `${Math.round(v * 10) / 10} ms`;
}
