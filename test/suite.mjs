// Lists the test files of one suite for `node --test`: `node test/suite.mjs unit|e2e|all`.
// e2e: test/e2e/, and any test that starts a process (the CLI, a child node), a browser or the built package;
// unit: the rest (pure and in-process loopback tests). Judged from the file itself, so a new test lands in
// the right suite without a list to keep.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const E2E =
  /\b(runCli|spawnCli|launchChromium|execFile|spawn|fork)\(|from 'node:child_process'|from 'ptaload'/;

const suite = process.argv[2] ?? 'all';
if (!['unit', 'e2e', 'all'].includes(suite)) {
  process.stderr.write(`test/suite.mjs: expected unit, e2e or all, got '${suite}'\n`);
  process.exit(2);
}
const files = readdirSync(join(ROOT, 'test'), { recursive: true })
  .map((f) => join('test', String(f)))
  .filter((f) => f.endsWith('.test.ts') && !f.startsWith(join('test', 'artifacts')))
  .sort();
const isE2e = (f) => f.startsWith(join('test', 'e2e')) || E2E.test(readFileSync(join(ROOT, f), 'utf8'));
const picked = suite === 'all' ? files : files.filter((f) => isE2e(f) === (suite === 'e2e'));
process.stdout.write(`${picked.map((f) => relative('.', join(ROOT, f))).join('\n')}\n`);
