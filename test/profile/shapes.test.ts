import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeShape, peakRate, phaseSchema, rateShapeOf } from '../../src/profile/shapes/registry.js';

/** Each shape as a profile writes it, with what its strategy must say about it. */
const cases = [
  {
    written: { name: 'flat', duration: '10s', shape: 'constant', rate: '120/s' },
    peak: 120,
    text: 'constant 120/s',
  },
  {
    written: { name: 'up', duration: '8s', shape: 'ramp', from: '100/s', to: '900/s' },
    peak: 900,
    text: 'ramp 100/s -> 900/s',
  },
  {
    written: { name: 'down', duration: '4s', shape: 'ramp', from: '400/s', to: 0 },
    peak: 400,
    text: 'ramp 400/s -> 0/s',
  },
  {
    written: {
      name: 'storm',
      duration: '10s',
      shape: 'burst',
      base: '50/s',
      spike: '600/s',
      width: '500ms',
      every: '2s',
      offset: '250ms',
    },
    peak: 600,
    text: 'burst 50/s, spikes of 600/s for 500ms every 2s from 250ms',
  },
  {
    written: {
      name: 'stairs',
      shape: 'step',
      start: '100/s',
      increment: '150/s',
      every: '1s',
      until: '500/s',
    },
    peak: 500,
    text: 'step 100/s +150/s every 1s up to 500/s',
  },
  {
    written: {
      name: 'short',
      duration: '2s',
      shape: 'step',
      start: '100/s',
      increment: '150/s',
      every: '1s',
      until: '500/s',
    },
    peak: 250,
    text: 'step 100/s +150/s every 1s up to 250/s',
  },
] as const;

describe('every shape owns its schema, peak, curve and description', () => {
  for (const c of cases) {
    test(`${c.written.name} (${c.written.shape})`, () => {
      const phase = phaseSchema.parse(c.written);
      assert.equal(phase.shape, c.written.shape);
      assert.equal(phase.name, c.written.name);
      assert.equal(peakRate(phase), c.peak);
      assert.equal(describeShape(phase), c.text);

      const curve = rateShapeOf(phase);
      assert.equal(curve.durationMs, phase.durationMs);
      // The pieces tile the phase, each piece's rate is the curve's, and they add up to the integral.
      let at = 0;
      let sum = 0;
      let highest = 0;
      for (let k = 0; ; k++) {
        const piece = curve.piece(k);
        if (piece === undefined) break;
        assert.equal(piece.startMs, at, `piece ${k} starts where the last ended`);
        const len = piece.endMs - piece.startMs;
        sum += piece.ratePerMs * len + (piece.slopePerMs2 * len * len) / 2;
        for (const f of [0, 0.5, 0.999]) {
          const t = piece.startMs + f * len;
          const rate = piece.ratePerMs * 1000 + piece.slopePerMs2 * 1000 * (t - piece.startMs);
          assert.ok(Math.abs(curve.rateAt(t) - rate) < 1e-6, `rate at ${t} ms`);
          highest = Math.max(highest, curve.rateAt(t));
        }
        at = piece.endMs;
      }
      assert.equal(at, phase.durationMs, 'the last piece ends with the phase');
      assert.ok(Math.abs(curve.integral(phase.durationMs) - sum) < 1e-6, 'integral = sum of pieces');
      assert.ok(highest <= c.peak + 1e-9, 'no moment asks for more than the peak');
      assert.ok(highest >= c.peak - 1, 'the peak is reached');
    });
  }
});

test('a step phase without a duration lasts one `every` per step up to `until`', () => {
  const phase = phaseSchema.parse(cases[4].written);
  assert.equal(phase.durationMs, 4000);
});

test('the shape names come from the registry, in its order', () => {
  const result = phaseSchema.safeParse({ duration: '1s', shape: 'wave' });
  assert.equal(result.success, false);
  assert.equal(
    result.error?.issues[0]?.message,
    "expected shape to be constant, ramp, burst or step, got 'wave'",
  );
});

test("each shape's own cross-field checks run", () => {
  const burst = phaseSchema.safeParse({
    duration: '1s',
    shape: 'burst',
    base: 1,
    spike: 2,
    width: '5s',
    every: '2s',
  });
  assert.deepEqual(
    burst.error?.issues.map((i) => [i.path.join('.'), i.message]),
    [['width', 'must not be longer than every (the spike period)']],
  );
  const step = phaseSchema.safeParse({ shape: 'step', start: 500, increment: 10, every: '1s', until: 100 });
  assert.deepEqual(
    step.error?.issues.map((i) => [i.path.join('.'), i.message]),
    [['until', 'must not be lower than start']],
  );
});

test('a phase built by hand with a value no schema allows is refused by its curve', () => {
  assert.throws(
    () =>
      rateShapeOf({
        name: 'bad',
        durationMs: 1000,
        shape: 'burst',
        base: 1,
        spike: 2,
        widthMs: 1,
        everyMs: 0,
        offsetMs: 0,
      }),
    /phase 'bad': everyMs must be a finite number > 0, got 0/,
  );
  assert.throws(
    () =>
      rateShapeOf({
        name: 'inc',
        durationMs: 1000,
        shape: 'step',
        start: 1,
        increment: Number.NaN,
        everyMs: 1,
        until: 2,
      }),
    /phase 'inc': increment must be finite/,
  );
});
