import { ERROR_OUTCOMES, OUTCOMES } from '../outcome.js';
import { Rng } from '../seeded-random.js';
import { fmtSeconds } from './compare-format.js';
import { change, finite, judge, type Spec } from './compare-rule.js';
import type { ScopeSlots } from './compare-samples.js';
import {
  chunk,
  identityPicks,
  medianAt,
  pooledPercentiles,
  quantile,
  resample,
  strataOf,
} from './compare-stats.js';
import type { CompareRules, MetricComparison, MetricId } from './compare-types.js';

/** Fewer units than this in a run and the bootstrap cannot tell a change from noise: the figure is not judged. */
export const MIN_UNITS = 10;

/** One side of a scope: its slots, and per slot the phase, length and what counts as throughput. */
export interface ScopeInput {
  readonly slots: ScopeSlots;
  readonly phases: readonly string[];
  readonly durationS: Float64Array;
  /** Replies counted as throughput per slot (the run's counter tenant-wide, the agent's replies). */
  readonly rateCounts: Float64Array;
  /** Seconds per slot, for labels. */
  readonly slotS: number;
}

export interface ScopeOptions {
  readonly kind: 'tenant' | 'agent';
  /** False when --agent leaves this scope out of the verdict. */
  readonly judged: boolean;
  /** Seeds this scope's resampling (its label), so a scope's intervals do not depend on the others. */
  readonly key: string;
}

/** Below this many replies a unit's percentile is mostly the luck of which replies fell into it. */
export const MIN_UNIT_REPLIES = 10;

/**
 * Replies a unit must hold for its p-th percentile to mean something: 1/(1 − p), so that p99 is more than
 * the unit's slowest reply (100), and never fewer than MIN_UNIT_REPLIES.
 */
export function repliesNeeded(p: number): number {
  return Math.max(MIN_UNIT_REPLIES, Math.ceil(1 / (1 - p / 100) - 1e-9));
}

/** Consecutive slots per unit so that a typical unit (median over slots with replies) holds `need` replies. */
export function slotsPerUnit(replies: Float64Array, need: number): number {
  const busy = Float64Array.from(replies.filter((r) => r > 0)).sort();
  if (busy.length === 0) return 1;
  return Math.max(1, Math.ceil(need / quantile(busy, 0.5)));
}

/**
 * Every figure of one scope, baseline against candidate. Percentiles are judged on their typical value over
 * units of time (the median over units of each unit's percentile): a disturbed second or two cannot move a
 * median, a slower agent moves every unit. Throughput and error rates are ratios over the compared span.
 * Each judged figure gets a moving-block bootstrap confidence interval of its change. Pure.
 */
export function compareScope(
  b: ScopeInput,
  c: ScopeInput,
  rules: CompareRules,
  o: ScopeOptions,
): MetricComparison[] {
  const out: MetricComparison[] = [];
  const judgedReason = o.judged ? undefined : 'outside --agent, shown for context';
  for (const [p, margin] of [
    [50, rules.maxP50Increase],
    [99, rules.maxP99Increase],
  ] as const) {
    out.push(typicalPercentile(b, c, p, margin, rules, o, judgedReason));
  }
  out.push(...wholeRun(b, c));
  out.push(...ratios(b, c, rules, o, judgedReason));
  return out;
}

function typicalPercentile(
  b: ScopeInput,
  c: ScopeInput,
  p: number,
  margin: number,
  rules: CompareRules,
  o: ScopeOptions,
  judgedReason: string | undefined,
): MetricComparison {
  const need = repliesNeeded(p);
  const k = Math.max(slotsPerUnit(b.slots.replies, need), slotsPerUnit(c.slots.replies, need));
  const sb = unitSeries(b, k, p);
  const sc = unitSeries(c, k, p);
  const label = `p${p} (typical ${fmtSeconds(k * b.slotS)})`;
  const spec: Spec = { id: `p${p}` as MetricId, label, unit: 'ms', changeKind: 'relative', worse: 1 };
  const base = finite(medianAt(sb.values, identityPicks(sb.values.length)));
  const cand = finite(medianAt(sc.values, identityPicks(sc.values.length)));
  const units = Math.min(sb.values.length, sc.values.length);
  const reason =
    judgedReason ??
    (units < MIN_UNITS
      ? `only ${units} units of ${fmtSeconds(k * b.slotS)} holding the ${need} replies p${p} needs; at least ${MIN_UNITS} are needed, so run longer or at a higher rate`
      : undefined);
  const rng = seeded(rules.seed, `${o.key}/p${p}`);
  const scratch = new Float64Array(Math.max(sb.values.length, sc.values.length));
  const changes = new Float64Array(reason ? 0 : rules.replicates);
  for (let r = 0; r < changes.length; r++) {
    const mb = medianAt(sb.values, resample(sb.strata, rng), scratch);
    const mc = medianAt(sc.values, resample(sc.strata, rng), scratch);
    changes[r] = mb > 0 ? mc / mb - 1 : Number.NaN;
  }
  return judge(spec, base, cand, changes, margin, reason, rules.confidence);
}

/** Each unit's p-th percentile (ms; NaN when the unit had no replies), and the units grouped by phase. */
function unitSeries(s: ScopeInput, k: number, p: number): { values: Float64Array; strata: number[][] } {
  const units = chunk(s.phases, k);
  const values = Float64Array.from(units, (u) => {
    const us = pooledPercentiles(s.slots.latency, u, [p])[0];
    return us === null || us === undefined ? Number.NaN : us / 1000;
  });
  return { values, strata: strataOf(units.map((u) => s.phases[u[0]!]!)) };
}

/** Whole-run percentiles, as the run reports show them: context only (a few bad seconds decide a p99). */
function wholeRun(b: ScopeInput, c: ScopeInput): MetricComparison[] {
  const all = (s: ScopeInput) =>
    pooledPercentiles(s.slots.latency, identityPicks(s.durationS.length), [50, 90, 99, 100]);
  const pb = all(b);
  const pc = all(c);
  const why = [
    'the typical value above is judged',
    'shown for context',
    'set by the slowest 1 % of the whole run, which a few disturbed seconds can decide; the typical p99 is judged',
    'one reply decides it',
  ];
  return ['p50', 'p90', 'p99', 'max'].map((name, i) => {
    const spec: Spec = {
      id: `${name}_run` as MetricId,
      label: `${name} (whole run)`,
      unit: 'ms',
      changeKind: 'relative',
      worse: 1,
    };
    const ms = (us: number | null | undefined) => (us === null || us === undefined ? null : us / 1000);
    return judge(spec, ms(pb[i]), ms(pc[i]), new Float64Array(0), null, why[i]!, 0);
  });
}

const ERROR_SLOTS = ERROR_OUTCOMES.map((o) => OUTCOMES.indexOf(o));

/** Throughput and error rates: sums over the slots picked, with one set of resamples shared by all of them. */
function ratios(
  b: ScopeInput,
  c: ScopeInput,
  rules: CompareRules,
  o: ScopeOptions,
  judgedReason: string | undefined,
): MetricComparison[] {
  const share = { unit: 'fraction', changeKind: 'points', worse: 1 } as const;
  const specs: (Spec & { num: (s: ScopeInput) => Float64Array; den: (s: ScopeInput) => Float64Array })[] = [
    {
      id: 'throughput',
      label: o.kind === 'tenant' ? 'throughput' : 'replies/s',
      unit: 'per_s',
      changeKind: 'relative',
      worse: -1,
      num: (s) => s.rateCounts,
      den: (s) => s.durationS,
    },
    {
      ...share,
      id: 'error_rate',
      label: 'error rate',
      num: (s) => Float64Array.from(s.slots.outcomes, (v) => ERROR_SLOTS.reduce((n, i) => n + v[i]!, 0)),
      den: (s) => s.slots.replies,
    },
    ...ERROR_OUTCOMES.map((outcome, i) => ({
      ...share,
      id: `errors:${outcome}` as MetricId,
      label: `${outcome} rate`,
      num: (s: ScopeInput) => Float64Array.from(s.slots.outcomes, (v) => v[ERROR_SLOTS[i]!]!),
      den: (s: ScopeInput) => s.slots.replies,
    })),
  ];
  const cols = specs.map((s) => ({ nb: s.num(b), db: s.den(b), nc: s.num(c), dc: s.den(c) }));
  const point = (num: Float64Array, den: Float64Array) => ratioAt(num, den, identityPicks(num.length));
  const shown = specs
    .map((s, i) => ({
      s,
      col: cols[i]!,
      base: point(cols[i]!.nb, cols[i]!.db),
      cand: point(cols[i]!.nc, cols[i]!.dc),
    }))
    .filter(({ s, base, cand }) => !s.id.startsWith('errors:') || (base ?? 0) > 0 || (cand ?? 0) > 0);
  const slots = Math.min(b.durationS.length, c.durationS.length);
  const tooFew =
    slots < MIN_UNITS
      ? `only ${slots} intervals; at least ${MIN_UNITS} are needed to tell a change from noise`
      : undefined;
  const strataB = strataOf(b.phases);
  const strataC = strataOf(c.phases);
  const rng = seeded(rules.seed, `${o.key}/ratios`);
  const changes = shown.map(() => new Float64Array(tooFew || judgedReason ? 0 : rules.replicates));
  for (let r = 0; r < (changes[0]?.length ?? 0); r++) {
    const pb = resample(strataB, rng);
    const pc = resample(strataC, rng);
    shown.forEach(({ s, col }, i) => {
      const vb = ratioAt(col.nb, col.db, pb);
      const vc = ratioAt(col.nc, col.dc, pc);
      changes[i]![r] = vb === null || vc === null ? Number.NaN : change(vb, vc, s.changeKind);
    });
  }
  return shown.map(({ s, base, cand }, i) => {
    const margin = s.id === 'throughput' ? rules.maxThroughputDrop : rules.maxErrorRateIncrease;
    const context =
      s.id === 'throughput' && o.kind === 'agent'
        ? "an agent's share moves with how the tenant spreads load; throughput is judged tenant-wide"
        : undefined;
    return judge(
      s,
      base,
      cand,
      changes[i]!,
      context ? null : margin,
      context ?? judgedReason ?? tooFew,
      rules.confidence,
    );
  });
}

function ratioAt(num: Float64Array, den: Float64Array, picks: ArrayLike<number>): number | null {
  let n = 0;
  let d = 0;
  for (let k = 0; k < picks.length; k++) {
    n += num[picks[k]!]!;
    d += den[picks[k]!]!;
  }
  return d > 0 ? n / d : null;
}

/** A generator per figure: same folders, rules and figure → same interval, whatever else is compared. */
function seeded(seed: number, key: string): Rng {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return new Rng(h >>> 0);
}
