import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as hdr from 'hdr-histogram-js';
import { ResultsError } from '../../src/errors.js';
import { openResults, readResults } from '../../src/results/reader.js';
import { RESULTS_FILES } from '../../src/results/run-info.js';
import { ResultsWriter } from '../../src/results/writer.js';
import { INTERVALS, syntheticRun } from '../report/fixture.js';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'ptaload-results-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function writeFolder(name: string, count = INTERVALS) {
  const dir = join(root, name);
  const synthetic = syntheticRun({ status: 'running' });
  const writer = await ResultsWriter.create(dir, synthetic.run);
  for (const { record, histograms } of synthetic.intervals.slice(0, count)) {
    await writer.appendInterval(record, histograms);
  }
  return { dir, writer, synthetic };
}

test('what the writer appends, the reader gives back: records, tags and every histogram count', async () => {
  const { dir, writer, synthetic } = await writeFolder('roundtrip');
  await writer.updateRun({ status: 'completed', endedAt: '2026-11-25T12:00:41.000Z' });
  const back = await readResults(dir);
  assert.equal(back.run.status, 'completed');
  assert.equal(back.run.timeline.length, 1);
  assert.deepEqual(back.notes, []);
  assert.equal(back.intervals.length, synthetic.intervals.length);
  for (const [i, { record, histograms }] of back.intervals.entries()) {
    const original = synthetic.intervals[i]!;
    assert.deepEqual(record, original.record);
    assert.deepEqual([...histograms.keys()].sort(), [...original.histograms.keys()].sort());
    for (const [tag, h] of histograms) {
      const o = original.histograms.get(tag)!;
      assert.equal(h.totalCount, o.totalCount, `${tag} in interval ${i}`);
      assert.equal(h.getValueAtPercentile(99), o.getValueAtPercentile(99));
      // Max as HdrHistogram reports it: the top of the highest bucket, the same recorded or decoded.
      assert.equal(h.getValueAtPercentile(100), o.getValueAtPercentile(100));
    }
  }
});

test("the interval log is standard: hdr-histogram-js's own HistogramLogReader reads every tagged histogram", async () => {
  const { dir, synthetic } = await writeFolder('standard');
  const text = await readFile(join(dir, RESULTS_FILES.hlog), 'utf8');
  assert.match(text, /^#\[Histogram log format version 1\.3\]$/m);
  assert.match(text, /^#\[StartTime: \d+\.\d{3} \(seconds since epoch\), .+\]$/m);
  assert.match(text, /^#\[BaseTime: \d+\.\d{3} \(seconds since epoch\)\]$/m);
  assert.match(text, /^"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"$/m);
  const reader = new hdr.HistogramLogReader(text);
  const counts = new Map<string, number>();
  let lines = 0;
  let untagged = 0;
  let untaggedCount = 0;
  for (let h = reader.nextIntervalHistogram(); h !== null; h = reader.nextIntervalHistogram()) {
    if (h.tag === 'NO TAG') {
      // The tenant-wide total HistogramLogProcessor reads by default.
      untagged++;
      untaggedCount += h.totalCount;
      continue;
    }
    lines++;
    counts.set(h.tag, (counts.get(h.tag) ?? 0) + h.totalCount);
    // Timestamps are relative to BaseTime = the run's start, so absolute times land on the run's clock.
    assert.ok(h.startTimeStampMsec >= synthetic.run.startEpochMs);
    assert.ok(h.endTimeStampMsec <= synthetic.run.startEpochMs + INTERVALS * 1000);
  }
  const expected = new Map<string, number>();
  let expectedLines = 0;
  let nonEmpty = 0;
  for (const { histograms } of synthetic.intervals) {
    if ([...histograms.values()].some((h) => h.totalCount > 0)) nonEmpty++;
    for (const [tag, h] of histograms) {
      expectedLines++;
      expected.set(tag, (expected.get(tag) ?? 0) + h.totalCount);
    }
  }
  assert.equal(lines, expectedLines);
  assert.deepEqual(new Map([...counts].sort()), new Map([...expected].sort()));
  assert.equal(untagged, nonEmpty, 'one untagged total per interval with samples');
  assert.equal(
    untaggedCount,
    [...expected.values()].reduce((a, b) => a + b, 0),
  );
  assert.deepEqual(hdr.listTags(text).sort(), ['NO TAG', ...expected.keys()].sort());
});

test('an interrupted run (no summary, last line cut mid-write) is still readable, with a note', async () => {
  const { dir } = await writeFolder('interrupted', 12);
  const hlog = join(dir, RESULTS_FILES.hlog);
  const jsonl = join(dir, RESULTS_FILES.intervals);
  const hlogText = await readFile(hlog, 'utf8');
  await truncate(hlog, Buffer.byteLength(hlogText) - 40);
  const jsonlText = await readFile(jsonl, 'utf8');
  await truncate(jsonl, Buffer.byteLength(jsonlText) - 25);
  const back = await readResults(dir);
  assert.equal(back.run.status, 'running');
  assert.equal(back.intervals.length, 11, 'the cut 12th record is dropped');
  assert.ok(
    back.notes.some((n) => n.includes(RESULTS_FILES.intervals) && n.includes('incomplete last line')),
  );
  assert.ok(back.notes.some((n) => n.includes(RESULTS_FILES.hlog) && n.includes('incomplete last line')));
  assert.ok(!(await readdir(dir)).includes(RESULTS_FILES.summary));
});

test('a damaged line in the middle is an error naming the file and the line', async () => {
  const { dir } = await writeFolder('damaged', 5);
  const jsonl = join(dir, RESULTS_FILES.intervals);
  const lines = (await readFile(jsonl, 'utf8')).split('\n');
  lines[2] = '{"index": 2, "oops"';
  await writeFile(jsonl, lines.join('\n'));
  await assert.rejects(openResults(dir), (err: unknown) => {
    assert.ok(err instanceof ResultsError);
    assert.match(err.message, /intervals\.jsonl line 3: not valid JSON/);
    return true;
  });
  const hlog = join(dir, RESULTS_FILES.hlog);
  const hl = (await readFile(hlog, 'utf8')).split('\n');
  const at = hl.findIndex((l) => l.startsWith('Tag='));
  hl[at] = hl[at]!.replace(/,[^,]+$/, ',bm90IGEgaGlzdG9ncmFt');
  await writeFile(hlog, hl.join('\n'));
  await writeFile(jsonl, lines.filter((_, i) => i !== 2).join('\n'));
  await assert.rejects(
    readResults(dir),
    new RegExp(`intervals\\.hlog line ${at + 1}: histogram does not decode`),
  );
});

test('a folder that is not a results folder is refused with the fix', async () => {
  await assert.rejects(
    readResults(join(root, 'nope')),
    /no such folder; give a folder written by `ptaload run`/,
  );
  const stray = join(root, 'stray');
  await mkdir(stray);
  await writeFile(join(stray, 'notes.txt'), 'x');
  await assert.rejects(readResults(stray), /run\.json: missing, so .* is not a ptaload results folder/);
  await writeFile(join(stray, 'run.json'), '{"tool":{"name":"other"}}');
  await assert.rejects(readResults(stray), /run\.json: tool\.name: .*not a run\.json written by ptaload/);
});

test('the writer refuses a non-empty foreign folder, and an earlier run of its own unless told to overwrite', async () => {
  const foreign = join(root, 'foreign');
  await ResultsWriter.create(foreign, syntheticRun().run);
  await writeFile(join(foreign, 'thesis.docx'), 'precious');
  await assert.rejects(ResultsWriter.create(foreign, syntheticRun().run), (err: unknown) => {
    assert.ok(err instanceof ResultsError);
    assert.match(err.message, /not empty and is not a ptaload results folder/);
    return true;
  });
  assert.equal(await readFile(join(foreign, 'thesis.docx'), 'utf8'), 'precious');

  const { dir } = await writeFolder('again', 3);
  await assert.rejects(
    ResultsWriter.create(dir, syntheticRun({ runId: 'second' }).run),
    /earlier run.*--overwrite/,
  );
  await ResultsWriter.create(dir, syntheticRun({ runId: 'second' }).run, { overwrite: true });
  const back = await readResults(dir);
  assert.equal(back.run.runId, 'second');
  assert.equal(back.intervals.length, 0);
});

test('timeseries.csv is wide with tenant figures and events; agents.csv is long, one row per interval and agent', async () => {
  const { dir, synthetic } = await writeFolder('csv');
  const ts = (await readFile(join(dir, RESULTS_FILES.timeseries), 'utf8')).trim().split('\n');
  const head = ts[0]!.split(',');
  assert.equal(ts.length, INTERVALS + 1);
  const col = (name: string) => head.indexOf(name);
  for (const name of [
    't_start_s',
    'target_rate',
    'achieved_rate',
    'success',
    'pta_timeout',
    'active_agents',
    'events',
    'tenant_p99_ms',
  ]) {
    assert.ok(col(name) >= 0, name);
  }
  const row15 = ts[16]!.split(',');
  assert.equal(row15[col('events')], 'remove agent-2 (crash)');
  assert.equal(row15[col('active_agents')], 'agent-1;agent-3;agent-4');
  const row16 = ts[17]!.split(',');
  assert.equal(Number(row16[col('pta_timeout')]), 10);
  // Absolute UTC times: the run's time zero plus the interval's offset.
  const t0 = synthetic.run.startEpochMs;
  assert.equal(row16[col('utc_start')], new Date(t0 + 16_000).toISOString());
  assert.equal(row16[col('utc_end')], new Date(t0 + 17_000).toISOString());
  assert.equal(Number(row16[col('completed')]), synthetic.intervals[16]!.record.completed);

  const agents = (await readFile(join(dir, RESULTS_FILES.agents), 'utf8')).trim().split('\n');
  const agentHead = agents[0]!.split(',');
  const rows = agents.slice(1).map((l) => l.split(','));
  assert.equal(rows[0]![agentHead.indexOf('utc_start')], new Date(synthetic.run.startEpochMs).toISOString());
  // 15 intervals with 4 agents, 25 with 3 agents (agent-2 reappears only through its 80002s in 16–20).
  assert.equal(rows.length, 15 * 4 + 25 * 3 + 5);
  const agent2 = rows.filter((r) => r[2] === 'agent-2').map((r) => Number(r[0]));
  assert.deepEqual(agent2, [...Array.from({ length: 15 }, (_, i) => i), 16, 17, 18, 19, 20]);
});

test('a write that fails is taken back from every file, and the writer appends nothing after it', async () => {
  const { dir, writer, synthetic } = await writeFolder('cut', 3);
  const jsonl = join(dir, RESULTS_FILES.intervals);
  const files = [
    RESULTS_FILES.hlog,
    RESULTS_FILES.timeseries,
    RESULTS_FILES.agents,
    RESULTS_FILES.correlation,
  ];
  const before = await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')));
  const records = await readFile(jsonl, 'utf8');
  // intervals.jsonl, written last in each interval, turned into a folder: the 4th interval's last append fails.
  await rm(jsonl);
  await mkdir(jsonl);
  const [fourth, fifth] = synthetic.intervals.slice(3, 5);
  await assert.rejects(writer.appendInterval(fourth!.record, fourth!.histograms), /\(EISDIR\)/);
  assert.match(String(writer.failure), /intervals\.jsonl \(EISDIR\)/);
  // Once failed, nothing more is appended (a later write that fits would follow a gap), even where it would work.
  await rm(jsonl, { recursive: true });
  await writeFile(jsonl, records);
  await assert.rejects(writer.appendInterval(fifth!.record, fifth!.histograms), /\(EISDIR\)/);
  assert.deepEqual(await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8'))), before);
  assert.deepEqual(writer.recorded, { intervals: 3, endMs: synthetic.intervals[2]!.record.endMs });
  await writer.finish({
    status: 'failed',
    failure: { code: 'RESULTS_INVALID', message: String(writer.failure) },
  });
  await writer.close();
  const back = await readResults(dir);
  assert.equal(back.run.status, 'failed');
  assert.equal(back.intervals.length, 3);
  assert.deepEqual(back.notes, [], 'no cut line, no orphan histograms');
});
