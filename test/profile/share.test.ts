import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatShare, parseShare } from '../../src/profile/quantities.js';

test('percentages and fractions become fractions', () => {
  const cases: [string | number, number][] = [
    ['2%', 0.02],
    ['0.5%', 0.005],
    ['100%', 1],
    [' 1 % ', 0.01],
    [0.25, 0.25],
    [0, 0],
    [1, 1],
  ];
  for (const [input, f] of cases) {
    const got = parseShare(input);
    assert.ok(got !== undefined && Math.abs(got - f) < 1e-12, `parse ${JSON.stringify(input)}: ${got}`);
  }
});

test('a bare number above 1 is refused rather than read as a percentage', () => {
  for (const bad of [2, 50, '2', '101%', '-1%', 'half', -0.1]) {
    assert.equal(parseShare(bad), undefined, `refuse ${JSON.stringify(bad)}`);
  }
});

test('formatShare shows a percentage', () => {
  assert.equal(formatShare(0.005), '0.5%');
  assert.equal(formatShare(0.02), '2%');
});
