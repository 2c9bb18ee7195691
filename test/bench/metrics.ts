/**
 * Metrics micro-benchmarks: IntervalRecorder.record() and snapshot() for 40 agents × 17 outcomes, js and wasm
 * histogram engines, each measured inside a worker thread (where the recorder lives in a run), plus the
 * coordinator's merge of two workers' snapshots and the count-width choice (32-bit vs 'packed').
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import * as hdr from 'hdr-histogram-js';
import { IntervalMerger } from '../../src/metrics/merge.js';
import { IntervalRecorder } from '../../src/metrics/recorder.js';
import { HISTOGRAM, type WorkerSnapshot } from '../../src/metrics/types.js';
import { OUTCOMES } from '../../src/outcome.js';
import { latencySampler, seededRandom } from '../metrics/seeded-random.js';

const AGENTS = Array.from({ length: 40 }, (_, i) => `agent-${String(i + 1).padStart(2, '0')}`);
const RECORDS = 1_000_000;
const PER_INTERVAL = 16_000;
const ROUNDS = 7;

interface Task {
  readonly kind: 'recorder' | 'width';
  readonly engine: 'js' | 'wasm';
  readonly width: 32 | 'packed';
}

type Figures = Record<string, number>;

function inputs(n: number, allOutcomes: boolean) {
  const pick = seededRandom(42);
  const latency = latencySampler(43);
  const agents: string[] = new Array(n);
  const outcomes: (typeof OUTCOMES)[number][] = new Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    agents[i] = AGENTS[Math.floor(pick() * AGENTS.length)]!;
    // The realistic mix: mostly success, some wrong passwords, a few PTA timeouts.
    const r = pick();
    outcomes[i] = allOutcomes
      ? OUTCOMES[Math.floor(r * OUTCOMES.length)]!
      : r < 0.9
        ? 'success'
        : r < 0.99
          ? 'invalid_credentials'
          : 'pta_timeout';
    values[i] = latency() + pick();
  }
  return { agents, outcomes, values };
}

function benchRecorder(engine: 'js' | 'wasm', allOutcomes: boolean): Figures {
  const { agents, outcomes, values } = inputs(RECORDS, allOutcomes);
  const recorder = new IntervalRecorder({ engine });
  for (let i = 0; i < RECORDS; i++) recorder.record(agents[i]!, outcomes[i]!, values[i]!);
  recorder.snapshot(0, 0);
  // Best of several rounds: on a shared machine the minimum is the figure least disturbed by neighbours.
  const round = Math.floor(RECORDS / ROUNDS);
  const recordNs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = r * round; i < (r + 1) * round; i++) recorder.record(agents[i]!, outcomes[i]!, values[i]!);
    recordNs.push(Number(process.hrtime.bigint() - t0) / round);
  }
  recorder.snapshot(0, 1);
  const snapshotMs: number[] = [];
  let bytes = 0;
  for (let k = 0; k < ROUNDS; k++) {
    for (let i = k * PER_INTERVAL; i < (k + 1) * PER_INTERVAL; i++)
      recorder.record(agents[i]!, outcomes[i]!, values[i]!);
    const s0 = process.hrtime.bigint();
    const snap = recorder.snapshot(0, k + 2);
    snapshotMs.push(Number(process.hrtime.bigint() - s0) / 1e6);
    bytes = snap.histograms.reduce((sum, h) => sum + h.encoded.length, 0);
  }
  const series = recorder.seriesCount;
  recorder.close();
  return {
    recordNs: Math.min(...recordNs),
    snapshotMs: Math.min(...snapshotMs),
    snapshotBytes: bytes,
    series,
  };
}

function benchWidth(width: 32 | 'packed'): Figures {
  const { values } = inputs(RECORDS / 4, false);
  const histograms = Array.from({ length: 120 }, () =>
    hdr.build({ ...HISTOGRAM, bitBucketSize: width, autoResize: false }),
  );
  const pick = seededRandom(5);
  const which = Array.from({ length: values.length }, () => Math.floor(pick() * histograms.length));
  const recordNs: number[] = [];
  const encodeMs: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < values.length; i++) histograms[which[i]!]!.recordValue(Math.round(values[i]!));
    recordNs.push(Number(process.hrtime.bigint() - t0) / values.length);
    const e0 = process.hrtime.bigint();
    for (const h of histograms) hdr.encodeIntoCompressedBase64(h);
    encodeMs.push(Number(process.hrtime.bigint() - e0) / 1e6);
  }
  const footprint = histograms.reduce((sum, h) => sum + h.estimatedFootprintInBytes, 0) / histograms.length;
  return {
    recordNs: Math.min(...recordNs),
    encode120Ms: Math.min(...encodeMs),
    footprintKiB: footprint / 1024,
  };
}

function benchMerge(): Figures {
  const { agents, outcomes, values } = inputs(2 * PER_INTERVAL, true);
  const workers = [new IntervalRecorder(), new IntervalRecorder()];
  for (let i = 0; i < agents.length; i++) workers[i % 2]!.record(agents[i]!, outcomes[i]!, values[i]!);
  const snaps: WorkerSnapshot[] = workers.map((w, id) => w.snapshot(id, 0));
  const fresh: number[] = [];
  const recycled: number[] = [];
  const merger = new IntervalMerger([0, 1]);
  for (let k = 0; k < ROUNDS; k++) {
    const t0 = process.hrtime.bigint();
    const emitted = snaps.flatMap((s) => merger.accept({ ...s, index: k }));
    (k === 0 ? fresh : recycled).push(Number(process.hrtime.bigint() - t0) / 1e6);
    for (const interval of emitted) merger.recycle(interval);
  }
  for (let k = 0; k < 3; k++) {
    const cold = new IntervalMerger([0, 1]);
    const t0 = process.hrtime.bigint();
    for (const s of snaps) cold.accept(s);
    fresh.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return {
    mergeTwoWorkersMs: Math.min(...fresh),
    mergeTwoWorkersRecycledMs: Math.min(...recycled),
    series: snaps[0]!.histograms.length,
  };
}

function runTask(task: Task): Figures {
  if (task.kind === 'width') return benchWidth(task.width);
  const all = benchRecorder(task.engine, true);
  const mix = benchRecorder(task.engine, false);
  return {
    recordNsAll: all.recordNs!,
    snapshotMsAll: all.snapshotMs!,
    snapshotKiBAll: all.snapshotBytes! / 1024,
    seriesAll: all.series!,
    recordNsMix: mix.recordNs!,
    snapshotMsMix: mix.snapshotMs!,
    seriesMix: mix.series!,
  };
}

function inWorker(task: Task): Promise<Figures> {
  return new Promise((resolve, reject) => {
    // Worker threads do not inherit tsx's loader hooks: register them first, then load this file.
    const source = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
      .then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
    const worker = new Worker(source, { eval: true, workerData: { metricsBench: task } });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`bench worker exited with ${code}`)));
  });
}

export async function benchMetrics(): Promise<{
  name: string;
  figures: Record<string, number>;
  text: string;
}> {
  const js = await inWorker({ kind: 'recorder', engine: 'js', width: 32 });
  const wasm = await inWorker({ kind: 'recorder', engine: 'wasm', width: 32 });
  const w32 = await inWorker({ kind: 'width', engine: 'js', width: 32 });
  const packed = await inWorker({ kind: 'width', engine: 'js', width: 'packed' });
  const merge = benchMerge();
  const figures: Figures = {};
  for (const [prefix, f] of [
    ['js', js],
    ['wasm', wasm],
    ['int32', w32],
    ['packed', packed],
    ['coordinator', merge],
  ] as const) {
    for (const [k, v] of Object.entries(f)) figures[`${prefix}.${k}`] = round(v);
  }
  const row = (label: string, f: Figures) =>
    `  ${label.padEnd(5)} record ${fmt(f.recordNsAll)} ns/op (all 680 series), ${fmt(f.recordNsMix)} ns/op (${f.seriesMix} series);` +
    ` snapshot ${fmt(f.snapshotMsAll)} ms for ${f.seriesAll} series (${fmt(f.snapshotKiBAll)} KiB), ${fmt(f.snapshotMsMix)} ms for ${f.seriesMix}`;
  // What one worker spends on metrics per second of a 16,000/s run over 2 workers (8,000 replies each, 120 series).
  for (const [engine, f] of [
    ['js', js],
    ['wasm', wasm],
  ] as const) {
    figures[`${engine}.msPerWorkerSecondAt8k`] = round(
      ((f.recordNsMix ?? 0) * 8000) / 1e6 + (f.snapshotMsMix ?? 0),
    );
  }
  const text = [
    `IntervalRecorder in a worker thread, 40 agents × 17 outcomes, ${PER_INTERVAL} replies per interval:`,
    row('js', js),
    row('wasm', wasm),
    `Per worker-second at 8,000 replies (record + snapshot, 120 series): js ${fmt(figures['js.msPerWorkerSecondAt8k'])} ms,` +
      ` wasm ${fmt(figures['wasm.msPerWorkerSecondAt8k'])} ms`,
    `Count width (120 histograms, raw hdr-histogram-js): int32 record ${fmt(w32.recordNs)} ns/op, encode ${fmt(w32.encode120Ms)} ms,` +
      ` ${fmt(w32.footprintKiB)} KiB each; packed record ${fmt(packed.recordNs)} ns/op, encode ${fmt(packed.encode120Ms)} ms, ${fmt(packed.footprintKiB)} KiB each`,
    `Coordinator: merge two workers' snapshots (${merge.series} series each): ${fmt(merge.mergeTwoWorkersMs)} ms per interval,` +
      ` ${fmt(merge.mergeTwoWorkersRecycledMs)} ms with recycled histograms`,
    '(best of several rounds; figures move with whatever else the machine is doing)',
  ].join('\n');
  return { name: 'metrics', figures, text };
}

function round(v: number | undefined): number {
  return Math.round((v ?? 0) * 100) / 100;
}

function fmt(v: number | undefined): string {
  return (v ?? 0).toFixed((v ?? 0) < 10 ? 2 : 1);
}

if (!isMainThread && (workerData as { metricsBench?: Task } | null)?.metricsBench) {
  parentPort?.postMessage(runTask((workerData as { metricsBench: Task }).metricsBench));
}
