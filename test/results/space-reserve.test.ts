import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { rebuildReports } from '../../src/report/rebuild.js';
import { readResults } from '../../src/results/reader.js';
import { MIN_RESERVE_BYTES, RESERVE_FILE, reserveSpace } from '../../src/results/space-reserve.js';
import { ResultsWriter } from '../../src/results/writer.js';
import { tempDir } from '../helpers/tmp.js';
import { syntheticRun } from '../report/fixture.js';

test('the reserve holds real bytes a compressing file system cannot shrink, and commit renames them into the file', async () => {
  const dir = await tempDir('ptaload-reserve-');
  const reserve = await reserveSpace(dir, MIN_RESERVE_BYTES);
  const held = await readFile(join(dir, RESERVE_FILE));
  assert.equal(held.length, MIN_RESERVE_BYTES);
  assert.ok(gzipSync(held).length > MIN_RESERVE_BYTES * 0.99, 'incompressible, not zeros');
  const file = join(dir, 'run.json');
  await writeFile(file, '{"status":"running"}\n');
  assert.equal(await reserve.commit(file, '{"status":"failed"}\n'), true);
  assert.equal(await readFile(file, 'utf8'), '{"status":"failed"}\n');
  assert.deepEqual(await readdir(dir), ['run.json'], 'the reserve became run.json; nothing else left');
  assert.equal(await reserve.commit(file, '{}\n'), false, 'spent');
});

test('a text larger than the reserve is not committed: the reserve is released for an ordinary write', async () => {
  const dir = await tempDir('ptaload-reserve-');
  const reserve = await reserveSpace(dir, 1024);
  assert.equal(await reserve.commit(join(dir, 'run.json'), 'x'.repeat(2048)), false);
  assert.deepEqual(await readdir(dir), []);
});

test('a writer reserves space at create and spends it on the final run.json; a large one is written anyway', async () => {
  const dir = join(await tempDir('ptaload-reserve-'), 'run');
  const writer = await ResultsWriter.create(dir, syntheticRun({ status: 'running' }).run);
  assert.ok((await stat(join(dir, RESERVE_FILE))).size >= MIN_RESERVE_BYTES);
  // Bigger than the reserve: written the ordinary way, after the reserve is released.
  const notes = ['x'.repeat(2 * MIN_RESERVE_BYTES)];
  await writer.finish({ status: 'completed', notes });
  await writer.close();
  assert.ok(!(await readdir(dir)).some((f) => f.startsWith('.ptaload')), 'no reserve, no lock');
  const back = await readResults(dir);
  assert.equal(back.run.status, 'completed');
  assert.deepEqual(back.run.notes, notes);
});

test('a reserve a crash left behind is not read, and is cleared with the folder', async () => {
  const root = await tempDir('ptaload-reserve-');
  const dir = join(root, 'crashed');
  const synthetic = syntheticRun({ status: 'running' });
  // Never closed: what kill -9 leaves (reserve and lock of a pid that is gone; here our own, taken over too).
  const writer = await ResultsWriter.create(dir, synthetic.run);
  for (const { record, histograms } of synthetic.intervals.slice(0, 4))
    await writer.appendInterval(record, histograms);
  assert.ok((await readdir(dir)).includes(RESERVE_FILE));
  const back = await readResults(dir);
  assert.equal(back.intervals.length, 4);
  assert.deepEqual(back.notes, []);
  const summary = await rebuildReports(dir);
  assert.equal(summary.status, 'running');

  await assert.rejects(
    ResultsWriter.create(dir, syntheticRun({ runId: 'second' }).run),
    /already holds the results of an earlier run/,
    'still an earlier run, not a foreign folder',
  );
  const again = await ResultsWriter.create(dir, syntheticRun({ runId: 'second' }).run, { overwrite: true });
  await again.finish({ status: 'completed' });
  await again.close();
  assert.ok(!(await readdir(dir)).includes(RESERVE_FILE));

  // A folder holding nothing but a leftover reserve counts as empty.
  const leftover = join(root, 'leftover');
  await mkdir(leftover);
  await writeFile(join(leftover, RESERVE_FILE), 'x');
  const w = await ResultsWriter.create(leftover, syntheticRun().run);
  await w.finish({ status: 'completed' });
  await w.close();
  assert.equal((await readResults(leftover)).run.status, 'completed');
});
