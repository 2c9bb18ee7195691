import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { ResultsError } from '../../src/errors.js';
import { appendWhole } from '../../src/results/atomic-write.js';
import { tempDir } from '../helpers/tmp.js';

test('appendWhole appends to every file, or, when one append fails, cuts every file back to where it was', async () => {
  const dir = await tempDir('ptaload-append-');
  const a = join(dir, 'a.log');
  const b = join(dir, 'b.log');
  await writeFile(a, 'a1\n');
  await writeFile(b, 'b1\n');
  await appendWhole([
    [a, 'a2\n'],
    [b, 'b2\n'],
  ]);
  assert.equal(await readFile(a, 'utf8'), 'a1\na2\n');
  assert.equal(await readFile(b, 'utf8'), 'b1\nb2\n');

  // A folder where the third file should be: its append fails (EISDIR) after the first two went through.
  const blocked = join(dir, 'c.log');
  await mkdir(blocked);
  await assert.rejects(
    appendWhole([
      [a, 'a3\n'],
      [b, 'b3\n'],
      [blocked, 'c3\n'],
    ]),
    (err: unknown) => {
      assert.ok(err instanceof ResultsError);
      assert.match(err.message, new RegExp(`^${dir}: cannot write ${blocked} \\(EISDIR\\)`));
      return true;
    },
  );
  assert.equal(await readFile(a, 'utf8'), 'a1\na2\n', 'taken back');
  assert.equal(await readFile(b, 'utf8'), 'b1\nb2\n', 'taken back');
});
