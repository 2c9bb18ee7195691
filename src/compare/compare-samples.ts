import * as hdr from 'hdr-histogram-js';
import { RunAnalyser } from '../analysis/summary.js';
import type { Summary } from '../analysis/summary-types.js';
import type { Histogram } from '../metrics/histogram.js';
import { mergeInterval } from '../metrics/interval-stats.js';
import { newHistogram } from '../metrics/latency.js';
import { naturalSort } from '../metrics/natural-order.js';
import { parseSeriesTag, TENANT } from '../metrics/types.js';
import { OUTCOMES, type Outcome } from '../outcome.js';
import type { OpenResults } from '../results/reader.js';
import type { RunInfo } from '../results/run-info.js';
import { chunk, type PooledBlocks, poolBlocks, type ValueCounts } from './compare-stats.js';

/** A run with more intervals than this is read in slots of several consecutive intervals (flat memory). */
const MAX_SLOTS = 400;

const OUTCOME_INDEX = new Map<Outcome, number>(OUTCOMES.map((o, i) => [o, i]));

/** One scope's (tenant-wide or one agent's) replies, slot by slot. */
export interface ScopeSlots {
  /** Latency buckets per slot, on one grid. */
  readonly latency: PooledBlocks;
  /** Replies by outcome per slot, in OUTCOMES order. */
  readonly outcomes: readonly Float64Array[];
  /** Replies per slot. */
  readonly replies: Float64Array;
  readonly total: number;
}

/**
 * A run reduced to what the comparison resamples: slots (a measurement interval, or a few consecutive ones
 * of a long run) in time order, each with its latency buckets and outcome counts per scope.
 */
export interface RunSamples {
  readonly run: RunInfo;
  /** The whole run's summary (status notes, agent versions), whatever span is compared. */
  readonly summary: Summary;
  readonly comparedS: readonly [number, number];
  /** Intervals in the compared span, and how many make one slot. */
  readonly intervals: number;
  readonly intervalsPerSlot: number;
  readonly phases: readonly string[];
  readonly durationS: Float64Array;
  /** The run's reply counter per slot (what its throughput figures use). */
  readonly completed: Float64Array;
  readonly tenant: ScopeSlots;
  readonly agents: ReadonlyMap<string, ScopeSlots>;
  /** Agents in order of appearance: run.json's list, then timeline additions, then any others by name. */
  readonly agentOrder: readonly string[];
}

interface ScopeAcc {
  readonly histogram: Histogram;
  readonly outcomes: Float64Array;
}

interface Slot {
  readonly phase: string;
  readonly startS: number;
  endS: number;
  durationS: number;
  completed: number;
  /** Open while the slot fills: histograms per scope key; closed: their buckets. */
  readonly open: Map<string, ScopeAcc>;
  readonly scopes: Map<string, { latency: ValueCounts; outcomes: Float64Array }>;
}

/**
 * Streams a results folder once: every interval feeds the whole run's summary, those starting before
 * `untilMs` become slots. Memory holds each slot's non-empty buckets, never the intervals' histograms.
 */
export async function readRunSamples(opened: OpenResults, untilMs: number): Promise<RunSamples> {
  const analyser = new RunAnalyser(opened.run);
  const inSpan = opened.records.filter((r) => r.startMs < untilMs);
  const perSlot = Math.max(1, Math.ceil(inSpan.length / MAX_SLOTS));
  const slotOf = new Map<number, number>();
  chunk(
    inSpan.map((r) => r.phase),
    perSlot,
  ).forEach((members, slot) => {
    for (const i of members) slotOf.set(inSpan[i]!.index, slot);
  });
  const slots: Slot[] = [];
  // Histograms are reused from slot to slot: one per scope, reset when its slot closes.
  const spare = new Map<string, Histogram>();
  const close = (slot: Slot | undefined) => {
    if (!slot) return;
    for (const [key, acc] of slot.open) {
      slot.scopes.set(key, { latency: valueCounts(acc.histogram), outcomes: acc.outcomes });
      acc.histogram.reset();
      spare.set(key, acc.histogram);
    }
    slot.open.clear();
  };
  const accFor = (slot: Slot, key: string): ScopeAcc => {
    let acc = slot.open.get(key);
    if (!acc) {
      const histogram = spare.get(key) ?? newHistogram();
      spare.delete(key);
      acc = { histogram, outcomes: new Float64Array(OUTCOMES.length) };
      slot.open.set(key, acc);
    }
    return acc;
  };
  for await (const { record, histograms } of opened.intervals()) {
    analyser.add(record, histograms);
    const at = slotOf.get(record.index);
    if (at === undefined || record.startMs >= untilMs) continue;
    let slot = slots[at];
    if (!slot) {
      close(slots.at(-1));
      slot = {
        phase: record.phase,
        startS: record.startMs / 1000,
        endS: 0,
        durationS: 0,
        completed: 0,
        open: new Map(),
        scopes: new Map(),
      };
      slots[at] = slot;
    }
    slot.endS = record.endMs / 1000;
    slot.durationS += (record.endMs - record.startMs) / 1000;
    slot.completed += record.completed;
    const merged = mergeInterval(histograms);
    accFor(slot, TENANT).histogram.add(merged.tenant);
    for (const [name, h] of merged.agents) accFor(slot, `agent:${name}`).histogram.add(h);
    for (const [tag, h] of histograms) {
      const split = parseSeriesTag(tag);
      if (!split) continue;
      const o = OUTCOME_INDEX.get(split.outcome)!;
      accFor(slot, TENANT).outcomes[o]! += h.totalCount;
      if (split.agent !== TENANT) accFor(slot, `agent:${split.agent}`).outcomes[o]! += h.totalCount;
    }
  }
  close(slots.at(-1));
  const filled = slots.filter((s) => s !== undefined);
  const names = new Set(
    filled.flatMap((s) => [...s.scopes.keys()].filter((k) => k.startsWith('agent:')).map((k) => k.slice(6))),
  );
  const scope = (key: string): ScopeSlots => scopeSlots(filled.map((s) => s.scopes.get(key) ?? EMPTY));
  return {
    run: opened.run,
    summary: analyser.finish([], opened.notes).summary,
    comparedS: [filled[0]?.startS ?? 0, filled.at(-1)?.endS ?? 0],
    intervals: inSpan.length,
    intervalsPerSlot: perSlot,
    phases: filled.map((s) => s.phase),
    durationS: Float64Array.from(filled, (s) => s.durationS),
    completed: Float64Array.from(filled, (s) => s.completed),
    tenant: scope(TENANT),
    agents: new Map(naturalSort(names).map((name) => [name, scope(`agent:${name}`)])),
    agentOrder: agentOrder(opened.run, names),
  };
}

/** The same run restricted to some of its slots (every other one, say, to see the noise of one run). */
export function selectSlots(s: RunSamples, keep: (slot: number) => boolean): RunSamples {
  const at = [...s.durationS.keys()].filter(keep);
  const pick = (sc: ScopeSlots): ScopeSlots =>
    scopeSlots(
      at.map((i) => ({
        latency: sc.latency.blocks[i]!,
        outcomes: sc.outcomes[i]!,
      })),
      sc.latency.grid,
    );
  return {
    ...s,
    intervals: at.length * s.intervalsPerSlot,
    phases: at.map((i) => s.phases[i]!),
    durationS: Float64Array.from(at, (i) => s.durationS[i]!),
    completed: Float64Array.from(at, (i) => s.completed[i]!),
    tenant: pick(s.tenant),
    agents: new Map([...s.agents].map(([name, sc]) => [name, pick(sc)])),
  };
}

const EMPTY = { latency: { values: [], counts: [] }, outcomes: new Float64Array(OUTCOMES.length) };

function scopeSlots(
  parts: readonly { latency: ValueCounts | PooledBlocks['blocks'][number]; outcomes: Float64Array }[],
  grid?: Float64Array,
): ScopeSlots {
  const latency =
    grid === undefined
      ? poolBlocks(parts.map((p) => p.latency as ValueCounts))
      : { grid, blocks: parts.map((p) => p.latency as PooledBlocks['blocks'][number]) };
  const outcomes = parts.map((p) => p.outcomes);
  const replies = Float64Array.from(outcomes, (v) => v.reduce((a, b) => a + b, 0));
  return { latency, outcomes, replies, total: replies.reduce((a, b) => a + b, 0) };
}

function agentOrder(run: RunInfo, seen: ReadonlySet<string>): string[] {
  const order: string[] = [];
  const add = (name: string | undefined) => {
    if (name !== undefined && seen.has(name) && !order.includes(name)) order.push(name);
  };
  for (const a of run.agents) add(a.name);
  for (const r of run.timeline) if (r.action === 'add') add(r.agent);
  for (const name of naturalSort(seen)) add(name);
  return order;
}

/**
 * A histogram's non-empty buckets, each at the value HdrHistogram reports for it (the bucket's highest
 * equivalent value), so percentiles of pooled buckets equal the report's percentiles.
 */
export function valueCounts(h: Histogram): ValueCounts {
  if (!(h instanceof hdr.JsHistogram)) throw new Error('compare reads JS histograms only');
  const values: number[] = [];
  const counts: number[] = [];
  const total = h.totalCount;
  for (let i = 0, seen = 0; seen < total && i < h.countsArrayLength; i++) {
    const c = h.getCountAtIndex(i);
    if (c === 0) continue;
    values.push(h.highestEquivalentValue(h.valueFromIndex(i)));
    counts.push(c);
    seen += c;
  }
  return { values, counts };
}
