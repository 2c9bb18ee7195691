import { ResultsError } from '../errors.js';

/** One measurement: throughput `x` (per second) with `n` agents. */
export interface UslPoint {
  readonly n: number;
  readonly x: number;
}

/** Universal Scalability Law: X(N) = λN / (1 + σ(N−1) + κN(N−1)). */
export interface UslCoefficients {
  /** Contention (serialisation), ≥ 0. */
  readonly sigma: number;
  /** Coherency (crosstalk), ≥ 0. */
  readonly kappa: number;
  /** Throughput of one unit with no contention or coherency cost. */
  readonly lambda: number;
}

interface UslResidual {
  readonly n: number;
  readonly measured: number;
  readonly fitted: number;
  /** measured − fitted */
  readonly residual: number;
}

/** linear: X = λN; amdahl: contention only (κ = 0); usl: contention and coherency. */
export type ScalingModel = 'linear' | 'amdahl' | 'usl';

export interface UslFit extends UslCoefficients {
  /** The model fitted (absent in plans written before model selection: they were all `usl`). */
  readonly model?: ScalingModel;
  readonly points: readonly UslResidual[];
  readonly sse: number;
  /** √(SSE / points). */
  readonly rmse: number;
  /** √(SSE / (points − free parameters)), as R's nls prints it; null without spare degrees of freedom. */
  readonly residualStdError: number | null;
  /** 1 − SSE/SST; null when every measured throughput is the same. */
  readonly r2: number | null;
  /** N at which X peaks, √((1−σ)/κ); null when κ = 0 (no retrograde region). */
  readonly nStar: number | null;
  readonly xAtNStar: number | null;
  /** λ/σ: the ceiling contention alone would impose (Amdahl); null when σ = 0. */
  readonly amdahlLimit: number | null;
  readonly measuredN: { readonly min: number; readonly max: number; readonly distinct: number };
  /** Parameters held at 0 because too few distinct N were measured to determine them. */
  readonly fixedAtZero: readonly ('sigma' | 'kappa')[];
  readonly iterations: number;
  readonly converged: boolean;
}

export function uslThroughput(c: UslCoefficients, n: number): number {
  return (c.lambda * n) / (1 + c.sigma * (n - 1) + c.kappa * n * (n - 1));
}

/** X(N) from a fit, flagged when N lies outside the measured agent counts. */
export function predictUsl(fit: UslFit, n: number): { n: number; x: number; extrapolated: boolean } {
  return { n, x: uslThroughput(fit, n), extrapolated: n > fit.measuredN.max || n < fit.measuredN.min };
}

type Params = [lambda: number, sigma: number, kappa: number];

/**
 * Nonlinear least squares (Levenberg–Marquardt with σ, κ ≥ 0) of throughput against N, minimising the squared
 * error of X itself, as the R `usl` package's nls/nlxb methods do. With 1 distinct N only λ is fitted, with 2
 * λ and σ (κ held at 0); both reported in `fixedAtZero`. `model` holds σ (linear) or κ (amdahl) at 0 as well.
 */
export function fitUsl(points: readonly UslPoint[], model: ScalingModel = 'usl'): UslFit {
  for (const [i, p] of points.entries()) {
    if (!(p.n > 0 && Number.isFinite(p.n) && p.x > 0 && Number.isFinite(p.x))) {
      throw new ResultsError(
        `capacity point ${i + 1} (${p.n} agents, ${p.x}/s) cannot be fitted: agent counts and throughputs must be positive numbers.`,
      );
    }
  }
  const distinct = new Set(points.map((p) => p.n)).size;
  if (distinct === 0)
    throw new ResultsError('no capacity points to fit: the runs gave no knee for any agent count.');
  const free: [boolean, boolean, boolean] = [
    true,
    distinct >= 2 && model !== 'linear',
    distinct >= 3 && model === 'usl',
  ];
  let best: { p: Params; sse: number; iterations: number; converged: boolean } | undefined;
  for (const start of starts(points, free)) {
    const run = levenbergMarquardt(points, start, free);
    if (best === undefined || run.sse < best.sse) best = run;
  }
  return { ...describe(points, best!, free, distinct), model };
}

function starts(points: readonly UslPoint[], free: readonly boolean[]): Params[] {
  // λ from the best per-agent throughput measured; σ, κ from Gunther's linearisation N/C(N) − 1 = σ(N−1) + κN(N−1).
  const lambda = Math.max(...points.map((p) => p.x / p.n));
  let sxx = 0;
  let sxz = 0;
  let szz = 0;
  let sxy = 0;
  let szy = 0;
  for (const p of points) {
    const y = (p.n * lambda) / p.x - 1;
    const a = p.n - 1;
    const b = p.n * (p.n - 1);
    sxx += a * a;
    sxz += a * b;
    szz += b * b;
    sxy += a * y;
    szy += b * y;
  }
  const det = sxx * szz - sxz * sxz;
  let sigma = free[1] && sxx > 0 ? Math.max(0, sxy / sxx) : 0;
  let kappa = 0;
  if (free[2] && det > 0) {
    sigma = Math.max(0, (sxy * szz - szy * sxz) / det);
    kappa = Math.max(0, (szy * sxx - sxy * sxz) / det);
  }
  return [
    [lambda, sigma, kappa],
    [lambda, free[1] ? 0.05 : 0, free[2] ? 1e-4 : 0],
    [lambda, 0, 0],
  ];
}

function sumSquares(points: readonly UslPoint[], [lambda, sigma, kappa]: Params): number {
  let sse = 0;
  for (const p of points) {
    const r = p.x - uslThroughput({ lambda, sigma, kappa }, p.n);
    sse += r * r;
  }
  return sse;
}

function levenbergMarquardt(points: readonly UslPoint[], start: Params, free: readonly boolean[]) {
  let p: Params = [...start];
  let sse = sumSquares(points, p);
  let mu = 1e-3;
  let iterations = 0;
  let converged = false;
  while (iterations < 500 && !converged) {
    iterations++;
    const { a, g } = normalEquations(points, p);
    // A bounded parameter sitting at 0 whose descent direction points below 0 stays out of this step.
    const active = free.map((f, j) => f && !(j > 0 && p[j] === 0 && g[j]! <= 0));
    let improved = false;
    for (let attempt = 0; attempt < 30 && !improved; attempt++) {
      const step = solveDamped(a, g, active, mu);
      if (step === undefined) break;
      const trial: Params = [
        Math.max(p[0] + step[0]!, 1e-12),
        Math.max(0, p[1] + step[1]!),
        Math.max(0, p[2] + step[2]!),
      ];
      const trialSse = sumSquares(points, trial);
      if (trialSse <= sse) {
        const change = Math.max(...trial.map((v, j) => Math.abs(v - p[j]!) / Math.max(Math.abs(v), 1e-9)));
        converged = sse - trialSse <= 1e-15 * Math.max(sse, 1e-300) || change < 1e-12;
        p = trial;
        sse = trialSse;
        mu = Math.max(mu / 3, 1e-15);
        improved = true;
      } else {
        mu *= 4;
      }
    }
    if (!improved) converged = true;
  }
  return { p, sse, iterations, converged };
}

/** JᵀJ and Jᵀr for the residuals r = x − X(N), J = ∂X/∂(λ, σ, κ). */
function normalEquations(points: readonly UslPoint[], [lambda, sigma, kappa]: Params) {
  const a = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const g = [0, 0, 0];
  for (const { n, x } of points) {
    const d = 1 + sigma * (n - 1) + kappa * n * (n - 1);
    const f = (lambda * n) / d;
    const j = [n / d, (-lambda * n * (n - 1)) / (d * d), (-lambda * n * n * (n - 1)) / (d * d)];
    const r = x - f;
    for (let row = 0; row < 3; row++) {
      g[row]! += j[row]! * r;
      for (let col = 0; col < 3; col++) a[row]![col]! += j[row]! * j[col]!;
    }
  }
  return { a, g };
}

/** Solves (A + μ·diag A) δ = g over the active parameters (Gaussian elimination, partial pivoting). */
function solveDamped(
  a: number[][],
  g: number[],
  active: readonly boolean[],
  mu: number,
): number[] | undefined {
  const idx = [0, 1, 2].filter((j) => active[j]);
  const m = idx.map((r) => [...idx.map((c) => a[r]![c]! * (r === c ? 1 + mu : 1)), g[r]!]);
  const k = idx.length;
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let row = col + 1; row < k; row++)
      if (Math.abs(m[row]![col]!) > Math.abs(m[pivot]![col]!)) pivot = row;
    if (m[pivot]![col] === 0) return undefined;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let row = col + 1; row < k; row++) {
      const factor = m[row]![col]! / m[col]![col]!;
      for (let c = col; c <= k; c++) m[row]![c]! -= factor * m[col]![c]!;
    }
  }
  const solution = new Array<number>(k).fill(0);
  for (let row = k - 1; row >= 0; row--) {
    let s = m[row]![k]!;
    for (let c = row + 1; c < k; c++) s -= m[row]![c]! * solution[c]!;
    solution[row] = s / m[row]![row]!;
  }
  const step = [0, 0, 0];
  idx.forEach((j, i) => {
    step[j] = solution[i]!;
  });
  return step.every(Number.isFinite) ? step : undefined;
}

function describe(
  points: readonly UslPoint[],
  run: { p: Params; sse: number; iterations: number; converged: boolean },
  free: readonly boolean[],
  distinct: number,
): UslFit {
  const [lambda, sigma, kappa] = run.p;
  const coefficients = { lambda, sigma, kappa };
  const residuals = points.map((p) => {
    const fitted = uslThroughput(coefficients, p.n);
    return { n: p.n, measured: p.x, fitted, residual: p.x - fitted };
  });
  const mean = points.reduce((s, p) => s + p.x, 0) / points.length;
  const sst = points.reduce((s, p) => s + (p.x - mean) ** 2, 0);
  const freeCount = free.filter(Boolean).length;
  const nStar = kappa > 0 && sigma < 1 ? Math.sqrt((1 - sigma) / kappa) : null;
  const ns = points.map((p) => p.n);
  return {
    ...coefficients,
    points: residuals,
    sse: run.sse,
    rmse: Math.sqrt(run.sse / points.length),
    residualStdError: points.length > freeCount ? Math.sqrt(run.sse / (points.length - freeCount)) : null,
    r2: sst > 0 ? 1 - run.sse / sst : null,
    nStar,
    xAtNStar: nStar === null ? null : uslThroughput(coefficients, nStar),
    amdahlLimit: sigma > 0 ? lambda / sigma : null,
    measuredN: { min: Math.min(...ns), max: Math.max(...ns), distinct },
    fixedAtZero: [...(free[1] ? [] : ['sigma' as const]), ...(free[2] ? [] : ['kappa' as const])],
    iterations: run.iterations,
    converged: run.converged,
  };
}
