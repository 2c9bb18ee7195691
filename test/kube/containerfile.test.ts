import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { ROOT } from '../helpers/cli.js';

const parse = async () => DockerfileParser.parse(await readFile(join(ROOT, 'Containerfile'), 'utf8'));

/** The instructions of the last stage: what the image that runs is made of. */
function finalStage(all: readonly Instruction[]): Instruction[] {
  const lastFrom = all.map((i) => i.getKeyword()).lastIndexOf('FROM');
  return all.slice(lastFrom);
}

test('the Containerfile builds in one stage and runs from another', async () => {
  const froms = (await parse()).getFROMs();
  assert.ok(froms.length >= 2, 'multi-stage');
  assert.ok(
    froms.every((f) => f.getImageTag()),
    'base images are pinned to a tag, not latest',
  );
  assert.ok(!froms.some((f) => f.getImageTag() === 'latest'));
});

test('the runtime stage runs as an unprivileged user, after its last RUN', async () => {
  const stage = finalStage((await parse()).getInstructions());
  const users = stage.filter((i) => i.getKeyword() === 'USER');
  assert.ok(users.length > 0, 'a USER in the final stage');
  const user = users.at(-1)!.getArgumentsContent()!.trim();
  assert.ok(!/^(root|0)(:|$)/.test(user), `runs as ${user}`);
  const lastUser = stage.lastIndexOf(users.at(-1)!);
  const lastRun = stage.map((i) => i.getKeyword()).lastIndexOf('RUN');
  assert.ok(lastUser > lastRun, 'nothing runs as root after the switch');
});

test('the entrypoint is the ptaload CLI, in exec form', async () => {
  const stage = finalStage((await parse()).getInstructions());
  const entry = stage.find((i) => i.getKeyword() === 'ENTRYPOINT');
  assert.ok(entry, 'an ENTRYPOINT');
  const args = JSON.parse(entry.getArgumentsContent()!) as string[];
  assert.equal(args[0], 'node');
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { bin: { ptaload: string } };
  assert.ok(args[1]!.endsWith(pkg.bin.ptaload), `${args[1]} is package.json's bin`);
});

test('no dev dependencies, sources or secrets reach the runtime image', async () => {
  const stage = finalStage((await parse()).getInstructions());
  for (const run of stage.filter((i) => i.getKeyword() === 'RUN')) {
    const text = run.getArgumentsContent() ?? '';
    if (/\bnpm (ci|install)\b/.test(text))
      assert.match(text, /--omit=dev/, `${text}: production dependencies only`);
  }
  for (const copy of stage.filter((i) => i.getKeyword() === 'COPY')) {
    const sources = (copy.getArgumentsContent() ?? '').split(/\s+/).slice(0, -1);
    // Only the manifest, the lockfile, the compiled program and the shipped profiles.
    for (const from of sources)
      assert.match(from, /(^|\/)(dist|profiles|package(-lock)?\.json)$/, `COPY ${from}`);
  }
  for (const env of stage.filter((i) => ['ENV', 'ARG'].includes(i.getKeyword()))) {
    assert.doesNotMatch(env.getArgumentsContent() ?? '', /SECRET|PASSWORD|TOKEN|KEY/i, 'no secret baked in');
  }
  const ignore = (await readFile(join(ROOT, '.dockerignore'), 'utf8')).split('\n').map((l) => l.trim());
  assert.equal(
    ignore.find((l) => l && !l.startsWith('#')),
    '**',
    '.dockerignore starts by excluding everything',
  );
  assert.ok(
    !ignore.includes('!results/**') && !ignore.some((l) => /^!.*\.csv$/.test(l)),
    'results and users files stay out',
  );
  assert.ok(
    ignore.some((l) => /\*\.csv$/.test(l) && !l.startsWith('!')),
    'CSV files under profiles/ stay out',
  );
});
