import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatRate, parseRate } from '../../src/profile/quantities.js';

test('rates become events per second', () => {
  const cases: [string | number, number][] = [
    ['200/s', 200],
    ['12000/min', 200],
    ['3/h', 3 / 3600],
    ['1.5/s', 1.5],
    ['60 / minute', 1],
    ['7200/hour', 2],
    ['10/sec', 10],
    [250, 250],
    [0, 0],
  ];
  for (const [input, perS] of cases) {
    const got = parseRate(input);
    assert.ok(
      got !== undefined && Math.abs(got - perS) < 1e-12,
      `parse ${JSON.stringify(input)}: ${got} vs ${perS}`,
    );
  }
});

test('things that are not rates are refused', () => {
  for (const bad of ['200 per second', '200', '200/d', '/s', '-5/s', 'fast', -1, Number.NaN]) {
    assert.equal(parseRate(bad), undefined, `refuse ${JSON.stringify(bad)}`);
  }
});

test('formatRate picks a unit that keeps small rates readable', () => {
  assert.equal(formatRate(850), '850/s');
  assert.equal(formatRate(0.5), '30/min');
  assert.equal(formatRate(1 / 3600), '1/h');
});
