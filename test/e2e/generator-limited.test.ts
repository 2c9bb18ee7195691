import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { GENERATOR_LIMITED_TEXT } from '../../src/analysis/generator-health.js';
import type { Summary } from '../../src/analysis/summary-types.js';
import type { PlanDocument } from '../../src/capacity/plan-document.js';
import { EXIT } from '../../src/errors.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * A starved generator: one worker and two connections asked for 40,000 sign-ins/s against one agent that could
 * take a million. Two connections carry one request each at a time, so they would need round trips under
 * 50 µs, far below any loopback round trip through HTTP; the flood finds no free connection however fast or
 * busy the test machine is: the verdict does not depend on the machine. A gentle first step (20/s, which two
 * connections carry even at 100 ms a reply) gives the plan a knee to read.
 */
const STARVED = `
name: starved-generator
target: { kind: sim, seed: 1 }
users: { generate: 2000 }
agents:
  list:
    - { name: agent-1, capacity: 1000000 }
load:
  workers: 1
  connections: 2
  interval: 500ms
  arrivals: uniform
  phases:
    - { name: easy, duration: 2500ms, shape: constant, rate: 20/s }
    - { name: flood, duration: 1s, shape: constant, rate: 40000/s }
thresholds:
  - "error_rate < 100%"
`;

test('a starved generator is generator-limited: thresholds fail, exit 4, every report and the plan say so', async () => {
  const dir = await tempDir();
  const profile = join(dir, 'starved.yaml');
  await writeFile(profile, STARVED);
  const out = join(dir, 'results');
  const res = await runCli(['run', profile, '--out', out, '--quiet'], { timeoutMs: 240_000 });
  assert.equal(res.code, EXIT.generatorLimited, `exit 4 expected; stderr: ${res.stderr}`);
  assert.match(res.stdout, /GENERATOR-LIMITED: .*of arrivals found no free connection/);
  assert.ok(res.stdout.includes(GENERATOR_LIMITED_TEXT));

  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Summary;
  assert.equal(summary.generator?.limited, true);
  // Whatever the machine's speed, the flood outruns two connections: nearly every arrival finds none free.
  assert.ok(summary.generator.figures.queuedShare! > 0.5, JSON.stringify(summary.generator.figures));
  assert.equal(summary.passed, false);
  assert.equal(summary.thresholds[0]?.ok, false, 'an error rate under 100 % cannot pass on these figures');
  assert.match(summary.thresholds[0]!.reason!, /generator-limited/);
  for (const file of ['report.md', 'report.html']) {
    const text = await readFile(join(out, file), 'utf8');
    assert.ok(text.includes(GENERATOR_LIMITED_TEXT), `${file} says what the figures measure`);
  }
  assert.match(await readFile(join(out, 'report.html'), 'utf8'), /id="generator-limited"/);

  const plan = await runCli(['plan', out, '--peak', '50/s', '--out', join(dir, 'plan')]);
  assert.ok(plan.code === EXIT.ok || plan.code === EXIT.failed, plan.stderr);
  const doc = JSON.parse(await readFile(join(dir, 'plan', 'plan.json'), 'utf8')) as PlanDocument;
  assert.ok(
    doc.warnings.some((w) => /generator-limited/.test(w) && w.includes(GENERATOR_LIMITED_TEXT)),
    doc.warnings.join('\n'),
  );
  assert.match(plan.stdout, /warning: 1 agent\(s\), .*generator-limited/);
});

const smoke = (arrivals: 'uniform' | 'poisson') => `
name: smoke-${arrivals}
target: { kind: sim, seed: 1 }
users: { generate: 500 }
agents: { count: 2 }
load:
  workers: 1
  interval: 1s
  arrivals: ${arrivals}
  phases:
    - { name: steady, duration: 5s, shape: constant, rate: 50/s }
`;

for (const arrivals of ['uniform', 'poisson'] as const) {
  test(`a ${arrivals} smoke run sends what the seeded schedule drew: sent = scheduled, achieved/scheduled 1.000`, async () => {
    const dir = await tempDir();
    const profile = join(dir, `${arrivals}.yaml`);
    await writeFile(profile, smoke(arrivals));
    const out = join(dir, 'results');
    const res = await runCli(['run', profile, '--out', out, '--quiet']);
    assert.ok(res.code === EXIT.ok || res.code === EXIT.generatorLimited, res.stderr);
    const s = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Summary;
    const t = s.throughput;
    assert.equal(s.requests.sent, t.scheduled, 'sent = scheduled');
    assert.equal(s.requests.completed, t.scheduled);
    assert.equal(t.sentOfScheduled, 1);
    assert.equal(t.achievedOfScheduled, 1);
    assert.equal(t.achievedShare, 1, 'the throughput threshold judges against the schedule');
    if (arrivals === 'uniform') assert.equal(t.scheduled, 250, 'uniform draws exactly rate × duration');
    assert.match(res.stdout, /sent \(sent\/scheduled 1\.000\)|sent \(1\.000\)/);
    assert.match(res.stdout, /achieved\/scheduled 1\.000/);
    // The mean target rate stays its own figure; a partial last interval never makes the peak.
    assert.ok(Math.abs(t.targetPerS - 250 / s.durationS) < 1, `mean target ${t.targetPerS}/s`);
    assert.ok(t.peakIntervalPerS < 80, `peak ${t.peakIntervalPerS}/s from a full interval`);
    const md = await readFile(join(out, 'report.md'), 'utf8');
    assert.match(md, /achieved\/scheduled 1\.000/);
  });
}
