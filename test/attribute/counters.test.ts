import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCounterCsv } from '../../src/attribute/counters.js';

// As typeperf writes it on a server in UTC+1 (bias -60: UTC = local time - 60 min).
const CSV = `"(PDH-CSV 4.0) (W. Europe Standard Time)(-60)","\\\\PTA1\\Microsoft AAD Connect Agents(*)\\#PTA authentications","\\\\PTA1\\Microsoft AAD Connect Agents(*)\\#PTA failed authentications","\\\\PTA1\\Processor(_Total)\\% Processor Time"
"12/01/2026 09:00:00.000","1000","10","5.0"
"12/01/2026 09:00:01.000","1350","12","40.0"
"12/01/2026 09:00:02.000"," ","13","41.0"
"12/01/2026 09:00:03.000","200","13","42.0"
`;

test('a PDH CSV gives each PTA counter of each host, in UTC, skipping blanks and other counters', () => {
  const cols = parseCounterCsv(CSV, 'pta1.csv');
  assert.deepEqual(
    cols.map((c) => [c.host, c.kind]),
    [
      ['PTA1', 'authentications'],
      ['PTA1', 'failed'],
    ],
  );
  const auth = cols[0]!.samples;
  assert.equal(auth.length, 3, 'the blank sample is skipped');
  assert.equal(new Date(auth[0]!.utcMs).toISOString(), '2026-12-01T08:00:00.000Z');
  assert.deepEqual(
    auth.map((s) => s.value),
    [1000, 1350, 200],
  );
});

test('a file that is not a PDH CSV, or has no PTA counters, is refused with the fix', () => {
  assert.throws(
    () => parseCounterCsv('time,value\n1,2\n', 'x.csv'),
    /x\.csv: line 1 does not start with a PDH-CSV time column/,
  );
  assert.throws(
    () =>
      parseCounterCsv(
        '"(PDH-CSV 4.0) (UTC)(0)","\\\\H\\Processor(_Total)\\% Processor Time"\n"12/01/2026 09:00:00.000","1"\n',
        'y.csv',
      ),
    /no "Microsoft AAD Connect Agents" #PTA authentications counters/,
  );
  assert.throws(
    () => parseCounterCsv(`${CSV}"yesterday","1","2","3"\n`, 'z.csv'),
    /z\.csv: line 6: 'yesterday' is not a time/,
  );
});
