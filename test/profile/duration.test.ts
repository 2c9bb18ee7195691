import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, parseDurationMs } from '../../src/profile/quantities.js';

test('durations with units become milliseconds', () => {
  const cases: [string | number, number][] = [
    ['500ms', 500],
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1h 30m', 5_400_000],
    ['2s500ms', 2500],
    ['1.5s', 1500],
    ['0.25ms', 0.25],
    [' 10s ', 10_000],
    [0, 0],
    [12, 12_000],
    [0.1, 100],
  ];
  for (const [input, ms] of cases) assert.equal(parseDurationMs(input), ms, `parse ${JSON.stringify(input)}`);
});

test('things that are not durations are refused, not guessed', () => {
  for (const bad of [
    '',
    '10',
    '10 seconds',
    '5x',
    's',
    '1s1m',
    '1m1m',
    '-5s',
    '1,5s',
    'ms',
    '1.s',
    -1,
    Number.NaN,
    Infinity,
  ]) {
    assert.equal(parseDurationMs(bad), undefined, `refuse ${JSON.stringify(bad)}`);
  }
});

test('minutes and milliseconds do not get confused', () => {
  assert.equal(parseDurationMs('5m'), 300_000);
  assert.equal(parseDurationMs('5ms'), 5);
  assert.equal(parseDurationMs('1m5ms'), 60_005);
});

test('formatDuration reads back the way people write durations', () => {
  assert.equal(formatDuration(250), '250ms');
  assert.equal(formatDuration(1500), '1.5s');
  assert.equal(formatDuration(90_000), '1m30s');
  assert.equal(formatDuration(3_600_000), '1h');
  assert.equal(formatDuration(3_690_000), '1h1m30s');
});
