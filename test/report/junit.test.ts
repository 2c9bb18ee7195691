import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { validateXML } from 'xmllint-wasm';
import { analyse } from '../../src/analysis/summary.js';
import { parseThreshold } from '../../src/profile/thresholds.js';
import { renderJunit } from '../../src/report/junit.js';
import { syntheticRun } from './fixture.js';

const SCHEMA = new URL('./junit/ant-junit.xsd', import.meta.url);

function summaryWith(expressions: readonly string[], runId = '20261125T120000Z-failover') {
  const { run, intervals } = syntheticRun({ runId });
  const thresholds = expressions.map((t) => {
    const parsed = parseThreshold(t);
    assert.ok(parsed.ok, t);
    return parsed.threshold;
  });
  return analyse(run, intervals, thresholds).summary;
}

async function validate(xml: string) {
  const schema = await readFile(SCHEMA, 'utf8');
  return validateXML({ xml: [{ fileName: 'junit.xml', contents: xml }], schema: [schema] });
}

test('JUnit: each threshold is a test case, a miss is a <failure>, and the file validates against the Ant JUnit schema', async () => {
  // The synthetic run loses a crashed agent's sign-ins as 80002 for 5 s: its error rate is far above 1 %.
  const summary = summaryWith(['p99 < 20s', 'error_rate < 1%', 'each-agent: p99 < 20s']);
  const passed = summary.thresholds.filter((t) => t.ok).length;
  assert.equal(passed, 2, 'two of the three hold in the fixture');
  const xml = renderJunit([summary], { hostname: 'ci-runner-7' });
  const result = await validate(xml);
  assert.deepEqual(result.errors, [], result.rawOutput);
  assert.equal(result.valid, true);
  assert.equal((xml.match(/<testcase /g) ?? []).length, 3);
  assert.equal((xml.match(/<failure /g) ?? []).length, 1);
  assert.match(
    xml,
    /<testcase name="error_rate &lt; 1%"[^>]*>\s*<failure message="error_rate &lt; 1%: measured [\d.]+ ?%/,
  );
  assert.match(xml, /tests="3" failures="1" errors="0"/);
  assert.match(xml, /timestamp="2026-11-25T12:00:00"/);
  assert.match(xml, /<property name="runId" value="20261125T120000Z-failover"\/>/);
});

test('JUnit: a sweep is one suite per run, and hostile text stays well-formed and valid', async () => {
  const a = summaryWith(['p99 < 20s']);
  const b = summaryWith(['p99 < 1ms'], 'run "<b>" & \u0007 bell');
  const xml = renderJunit([a, b], { hostname: '' });
  const result = await validate(xml);
  assert.deepEqual(result.errors, [], result.rawOutput);
  assert.equal((xml.match(/<testsuite /g) ?? []).length, 2);
  assert.match(xml, /id="0"[\s\S]*id="1"/);
  assert.match(xml, /hostname="localhost"/);
  assert.match(xml, /value="run &quot;&lt;b&gt;&quot; &amp; {2}bell"/);
});

test('the schema used above does catch what CI parsers reject (so passing it means something)', async () => {
  const good = renderJunit([summaryWith(['p99 < 20s'])], { hostname: 'h' });
  const broken = [
    good.replace(/ classname="[^"]*"/, ''),
    good.replace(/timestamp="[^"]*"/, 'timestamp="2026-11-25T12:00:00.000Z"'),
    good.replace(/<system-out>[\s\S]*<\/system-out>/, ''),
    good.replace('<testsuites>', '<testsuites tests="1">'),
  ];
  for (const xml of broken) {
    const result = await validate(xml);
    assert.equal(result.valid, false, xml);
  }
});
