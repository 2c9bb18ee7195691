/** Choosing the scaling model (linear, Amdahl, USL) a set of knees supports, by AICc and evidence rules. */
import { fitUsl, type ScalingModel, type UslFit, type UslPoint } from './usl-fit.js';

export interface ModelCandidate {
  readonly model: ScalingModel;
  /** Free coefficients: λ; λ, σ; λ, σ, κ. */
  readonly parameters: number;
  /** Whether the evidence allows this model at all (distinct counts, a downturn for κ); linear always is. */
  readonly eligible: boolean;
  /** Why not, in words; empty when eligible. */
  readonly why: string;
  /** Corrected Akaike information criterion; null when not eligible or too few knees. Lower is better. */
  readonly aicc: number | null;
  /** AICc − the best AICc; null when there is none. */
  readonly deltaAicc: number | null;
  /** Akaike weight among the scored models (0–1); linear gets 1 when nothing could be scored. */
  readonly weight: number;
  readonly sse: number | null;
}

export interface ModelChoice {
  readonly model: ScalingModel;
  readonly fit: UslFit;
  readonly candidates: readonly ModelCandidate[];
}

const PARAMETERS: Record<ScalingModel, number> = { linear: 1, amdahl: 2, usl: 3 };

/** The rule, for reports: what each model needs before it may be chosen, and how the choice is made. */
export const MODEL_RULE_TEXT =
  'Three models are compared: linear (X = λN), Amdahl (contention σ, no coherency) and the Universal Scalability ' +
  'Law (contention σ and coherency κ). A model is only a candidate with enough evidence for its coefficients: ' +
  'Amdahl needs at least 3 distinct agent counts, the USL at least 4 and a measured downturn (a larger agent ' +
  'count whose knee is below a smaller count’s), and every model needs at least two knees more than it has ' +
  'coefficients. Among the candidates the lowest AICc (Akaike’s criterion corrected for small samples, ' +
  'n·ln(SSE/n) + 2k + 2k(k+1)/(n−k−1)) wins; linear is the fallback when nothing else qualifies.';

/** A measured downturn: some larger agent count's mean knee lies below a smaller count's. */
export function measuredDownturn(points: readonly UslPoint[]): boolean {
  const byN = new Map<number, number[]>();
  for (const p of points) byN.set(p.n, [...(byN.get(p.n) ?? []), p.x]);
  const means = [...byN.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, xs]) => xs.reduce((s, x) => s + x, 0) / xs.length);
  let best = Number.NEGATIVE_INFINITY;
  for (const m of means) {
    if (m < best) return true;
    best = Math.max(best, m);
  }
  return false;
}

/** Fits every eligible model and keeps the one with the lowest AICc (linear when none qualifies). */
export function selectModel(points: readonly UslPoint[]): ModelChoice {
  const n = points.length;
  const distinct = new Set(points.map((p) => p.n)).size;
  const downturn = measuredDownturn(points);
  // Exact fits have SSE 0 (ln 0 = −∞); a floor far below any measurement noise lets the penalty decide them.
  const floor = 1e-12 * points.reduce((s, p) => s + p.x * p.x, 0);
  const raw = (['linear', 'amdahl', 'usl'] as const).map((model) => {
    const k = PARAMETERS[model];
    const why = ineligible(model, n, distinct, downturn);
    if (why !== '' && model !== 'linear') return { model, parameters: k, why, fit: null, aicc: null };
    const fit = fitUsl(points, model);
    const sse = Math.max(fit.sse, floor);
    // Linear is always allowed (the fallback), but with too few knees it has no AICc to compare.
    const aicc = n - k - 1 > 0 ? n * Math.log(sse / n) + 2 * k + (2 * k * (k + 1)) / (n - k - 1) : null;
    return { model, parameters: k, why, fit, aicc };
  });
  const scored = raw.filter((c) => c.aicc !== null);
  const best = scored.reduce((m, c) => Math.min(m, c.aicc!), Number.POSITIVE_INFINITY);
  const weight = (c: (typeof raw)[number]) => (c.aicc === null ? 0 : Math.exp(-(c.aicc - best) / 2));
  const total = raw.reduce((s, c) => s + weight(c), 0);
  const candidates: ModelCandidate[] = raw.map((c) => ({
    model: c.model,
    parameters: c.parameters,
    eligible: c.fit !== null,
    why: c.why,
    aicc: c.aicc,
    deltaAicc: c.aicc === null ? null : c.aicc - best,
    weight: total > 0 ? weight(c) / total : c.model === 'linear' ? 1 : 0,
    sse: c.fit?.sse ?? null,
  }));
  const chosen = scored.length > 0 ? scored.find((c) => c.aicc === best)! : raw[0]!;
  return { model: chosen.model, fit: chosen.fit!, candidates };
}

function ineligible(model: ScalingModel, n: number, distinct: number, downturn: boolean): string {
  const k = PARAMETERS[model];
  const reasons: string[] = [];
  if (model === 'amdahl' && distinct < 3)
    reasons.push(`needs ≥ 3 distinct agent counts (${distinct} measured)`);
  if (model === 'usl' && distinct < 4) reasons.push(`needs ≥ 4 distinct agent counts (${distinct} measured)`);
  if (model === 'usl' && !downturn)
    reasons.push('no measured downturn (no larger count measured below a smaller one)');
  if (n < k + 2) reasons.push(`needs ≥ ${k + 2} knees for AICc (${n} measured)`);
  return reasons.join('; ');
}
