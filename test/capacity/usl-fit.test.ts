import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitUsl, predictUsl, uslThroughput } from '../../src/capacity/usl-fit.js';
import { ResultsError } from '../../src/errors.js';
import { seededNormal } from '../metrics/seeded-random.js';

function within(got: number | null, want: number, share: number, what: string): void {
  assert.ok(
    got !== null && Math.abs(got - want) <= Math.abs(want) * share,
    `${what}: ${got} not within ${share * 100} % of ${want}`,
  );
}

test('recovers known coefficients exactly from noiseless data', () => {
  const truth = { sigma: 0.03, kappa: 0.0005, lambda: 350 };
  const points = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 40].map((n) => ({ n, x: uslThroughput(truth, n) }));
  const fit = fitUsl(points);
  within(fit.sigma, truth.sigma, 1e-6, 'sigma');
  within(fit.kappa, truth.kappa, 1e-6, 'kappa');
  within(fit.lambda, truth.lambda, 1e-9, 'lambda');
  assert.ok(fit.converged);
  assert.ok(fit.rmse < 1e-6);
  within(fit.nStar, Math.sqrt((1 - 0.03) / 0.0005), 1e-6, 'N*');
});

test('recovers known coefficients from data with seeded 2 % noise', () => {
  const truth = { sigma: 0.05, kappa: 0.002, lambda: 400 };
  const noise = seededNormal(2024);
  const ns = [1, 2, 3, 4, 6, 8, 10, 12, 16, 20, 24, 32];
  const points = ns.flatMap((n) =>
    [0, 1, 2].map(() => ({ n, x: uslThroughput(truth, n) * (1 + 0.02 * noise()) })),
  );
  const fit = fitUsl(points);
  within(fit.lambda, truth.lambda, 0.03, 'lambda');
  within(fit.sigma, truth.sigma, 0.3, 'sigma');
  within(fit.kappa, truth.kappa, 0.15, 'kappa');
  assert.ok(fit.r2 !== null && fit.r2 > 0.95, `R² ${fit.r2}`);
  for (const n of ns) within(uslThroughput(fit, n), uslThroughput(truth, n), 0.03, `X(${n})`);
  assert.equal(fit.points.length, points.length);
  for (const r of fit.points) assert.ok(Math.abs(r.measured - r.fitted - r.residual) < 1e-9);
});

// SPEC SDM91 benchmark of a Sun SPARCcenter 2000, from N. J. Gunther, "Guerrilla Capacity Planning" (Springer,
// 2007), as bundled with the R package usl (S. Möding, CRAN, dataset `specsdm91`, data/specsdm91.rda at
// https://github.com/smoeding/usl). Published fit, usl 3.0.3, tests/usl-nlxb.Rout.save and tests/summary.Rout.save:
// sigma (alpha) 0.0277285, kappa (beta) 0.0001044, lambda (gamma) 89.9952330, residual standard error 82.85 on
// 4 degrees of freedom, R² 0.9896; tests/peak-scalability.R: peak at N = 96.51956; tests/limit-scalability.R:
// λ/σ = 3245.589; tests/residuals.Rout.save: residuals -25.10 -81.66 111.09 3.05 -49.99 -46.60 56.00.
const SPECSDM91 = {
  load: [1, 18, 36, 72, 108, 144, 216],
  throughput: [64.9, 995.9, 1652.4, 1853.2, 1828.9, 1775.0, 1702.2],
};

test('matches the published USL fit of the SPEC SDM91 dataset within 1 %', () => {
  const fit = fitUsl(SPECSDM91.load.map((n, i) => ({ n, x: SPECSDM91.throughput[i]! })));
  within(fit.sigma, 0.0277285, 0.01, 'sigma');
  within(fit.kappa, 0.0001044, 0.01, 'kappa');
  within(fit.lambda, 89.995233, 0.01, 'lambda');
  within(fit.residualStdError, 82.85, 0.01, 'residual standard error');
  within(fit.r2, 0.9896, 0.001, 'R²');
  within(fit.nStar, 96.51956, 0.01, 'N*');
  within(fit.amdahlLimit, 3245.589, 0.01, 'λ/σ');
  const published = [-25.1, -81.66, 111.09, 3.05, -49.99, -46.6, 56.0];
  for (const [i, r] of fit.points.entries()) {
    assert.ok(Math.abs(r.residual - published[i]!) < 0.01, `residual ${i}: ${r.residual}`);
  }
});

// The first six rows of the `raytracer` dataset (ray-geometry intersections/s on an SGI Origin 2000, from the same
// book and package). Published fit, usl 3.0.3 tests/confint.Rout.save: sigma 0.02444, kappa 0.00163, lambda 20.85605.
test('matches the published USL fit of the raytracer dataset (first six rows) within 1 %', () => {
  const processors = [1, 4, 8, 12, 16, 20];
  const throughput = [20, 78, 130, 170, 190, 200];
  const fit = fitUsl(processors.map((n, i) => ({ n, x: throughput[i]! })));
  within(fit.sigma, 0.02444, 0.01, 'sigma');
  within(fit.kappa, 0.00163, 0.01, 'kappa');
  within(fit.lambda, 20.85605, 0.01, 'lambda');
});

test('too few distinct agent counts: the undeterminable coefficients are held at 0 and said so', () => {
  const one = fitUsl([
    { n: 2, x: 690 },
    { n: 2, x: 710 },
  ]);
  assert.deepEqual(one.fixedAtZero, ['sigma', 'kappa']);
  within(one.lambda, 350, 1e-9, 'lambda from one count');
  assert.equal(one.nStar, null);
  const two = fitUsl([
    { n: 1, x: 350 },
    { n: 4, x: 1250 },
  ]);
  assert.deepEqual(two.fixedAtZero, ['kappa']);
  assert.equal(two.kappa, 0);
  within(two.lambda, 350, 1e-9, 'lambda');
  within(uslThroughput(two, 4), 1250, 1e-9, 'X(4) through both points');
});

test('predictions outside the measured agent counts are flagged as extrapolated', () => {
  const fit = fitUsl(
    [1, 2, 4, 8].map((n) => ({ n, x: uslThroughput({ sigma: 0.02, kappa: 0.0001, lambda: 300 }, n) })),
  );
  assert.equal(predictUsl(fit, 8).extrapolated, false);
  assert.equal(predictUsl(fit, 6).extrapolated, false);
  assert.equal(predictUsl(fit, 40).extrapolated, true);
  within(
    predictUsl(fit, 40).x,
    uslThroughput({ sigma: 0.02, kappa: 0.0001, lambda: 300 }, 40),
    1e-6,
    'X(40)',
  );
});

test('nonsense points are refused with a ResultsError', () => {
  assert.throws(() => fitUsl([]), ResultsError);
  assert.throws(() => fitUsl([{ n: 0, x: 100 }]), ResultsError);
  assert.throws(() => fitUsl([{ n: 2, x: Number.NaN }]), /point 1/);
});
