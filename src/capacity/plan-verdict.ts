/** The plan's verdict in words the evidence supports: fits, does not fit, or not enough evidence (and what to measure). */
import type { Uncertainty } from './plan-uncertainty.js';

/** What the verdict is made from: a plan before its words (plan.ts's PlanCore satisfies it). */
export interface VerdictFacts {
  readonly input: { readonly maxAgents: number; readonly knees: readonly { readonly agents: number }[] };
  readonly recommendation: {
    readonly recommendedAgents: number | null;
    readonly servingAgents: number | null;
  };
  readonly uncertainty?: Uncertainty;
  readonly fit: {
    readonly measuredN: { readonly max: number };
    readonly nStar: number | null;
    readonly xAtNStar: number | null;
  };
  readonly siteLoss: {
    readonly layout: 'given' | 'recommended';
    readonly survives: boolean;
    readonly largestSite: string;
    readonly remainingAgents: number;
  } | null;
  /** A downturn was measured that the chosen model cannot show (too few counts for κ). */
  readonly downturnUnfitted?: boolean;
}

export interface PlanVerdict {
  /**
   * fits: the whole 95 % interval of agents needed is within the tenant limit; does-not-fit: even its favourable
   * end is beyond it (or a given site layout does not survive losing its largest site); uncertain: the interval
   * spans the limit, so the measurements cannot decide.
   */
  readonly kind: 'fits' | 'does-not-fit' | 'uncertain';
  /** One line, e.g. "fits: 5–6 agents (95 %)" or "not enough evidence: measure 4 and 6 agents next". */
  readonly text: string;
  /** Agent counts worth measuring next to narrow the interval (unmeasured, within the limit). */
  readonly measureNext: readonly number[];
}

export function planVerdict(p: VerdictFacts): PlanVerdict {
  const { input, recommendation: rec, uncertainty: u, fit } = p;
  const max = input.maxAgents;
  const point = rec.recommendedAgents;
  const low = u?.recommendedAgents.low ?? point;
  const high = u?.recommendedAgents.high ?? point;
  const measureNext = nextCounts(p);
  const next =
    measureNext.length > 0
      ? `measure ${measureNext.join(' and ')} agent${measureNext.at(-1) === 1 ? '' : 's'} next`
      : 'measure more agent counts nearer the answer';
  const extrapolated =
    high !== null && rec.servingAgents !== null && rec.servingAgents > fit.measuredN.max
      ? `, extrapolated beyond the ${fit.measuredN.max} agent(s) measured`
      : '';
  const ns = u?.nStar;
  const peak =
    fit.nStar === null
      ? ''
      : `; the curve peaks at about ${Math.round(fit.xAtNStar ?? 0)}/s with ${Math.round(fit.nStar)} agents${ns && ns.low !== null && ns.high !== null ? ` (95 %: ${Math.round(ns.low)}–${Math.round(ns.high)})` : ''}`;
  if (p.siteLoss?.layout === 'given' && !p.siteLoss.survives) {
    return {
      kind: 'does-not-fit',
      text: `does not fit: losing site ${p.siteLoss.largestSite} leaves ${p.siteLoss.remainingAgents} agents, too few for the need`,
      measureNext: [],
    };
  }
  if (p.downturnUnfitted) {
    return {
      kind: 'uncertain',
      text: `not enough evidence: a larger agent count measured below a smaller one, too few counts to fit that downturn; ${next}`,
      measureNext,
    };
  }
  if (point !== null && point <= max && high !== null && high <= max) {
    const range =
      low === null || low === high ? `${high}` : `${Math.min(low, point)}–${Math.max(high, point)}`;
    return {
      kind: 'fits',
      text: `fits: ${range} agents (95 %)${extrapolated}${peak}`,
      measureNext: extrapolated ? measureNext : [],
    };
  }
  if (low === null || low > max) {
    return {
      kind: 'does-not-fit',
      text:
        low === null
          ? `does not fit: no number of agents carries the need, even at the favourable end of the 95 % interval${peak}`
          : `does not fit: even the favourable end of the 95 % interval needs ${low} agents, more than the limit of ${max}${peak}`,
      measureNext: [],
    };
  }
  return { kind: 'uncertain', text: `not enough evidence: ${next}${peak}`, measureNext };
}

/**
 * Unmeasured agent counts that would narrow the answer: the next count above the measured range, and the
 * serving counts at the ends of the interval and at the point estimate, two at most, within the limit.
 */
function nextCounts(p: VerdictFacts): number[] {
  const measured = new Set(p.input.knees.map((k) => k.agents));
  const max = p.input.maxAgents;
  const serving = p.uncertainty?.servingAgents;
  const wanted = [
    p.fit.measuredN.max + 1,
    p.recommendation.servingAgents,
    serving?.high ?? null,
    serving?.low ?? null,
    p.fit.measuredN.max * 2,
  ];
  const out: number[] = [];
  for (const n of wanted) {
    if (n === null || n < 1 || n > max || measured.has(n) || out.includes(n)) continue;
    out.push(n);
    if (out.length === 2) break;
  }
  return out.sort((a, b) => a - b);
}
