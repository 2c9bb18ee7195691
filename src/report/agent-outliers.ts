/** Which agents stand out from the others, and why: what the agents table highlights. Pure. */
import type { Summary } from '../analysis/summary-types.js';
import { ERROR_OUTCOMES } from '../outcome.js';

/**
 * Judged against the median agent, so a tenant-wide slowdown flags nobody and one degraded agent among 40
 * stands out: p99 above 1.5× the median agent's (and 20 ms more), an error share above twice the median's
 * (and 1 %), or replies per second of its active time below half the median's. Needs 3 agents or more.
 */
export function agentOutliers(s: Summary, intervalS: number): Map<string, string[]> {
  const names = Object.keys(s.agents);
  const out = new Map<string, string[]>();
  if (names.length < 3) return out;
  const p99 = new Map(names.map((n) => [n, s.latencyMs.agents[n]?.p99 ?? null]));
  const errorShare = new Map(
    names.map((n) => {
      const a = s.agents[n]!;
      const errors = ERROR_OUTCOMES.reduce((k, o) => k + a.byOutcome[o], 0);
      return [n, a.requests > 0 ? errors / a.requests : 0];
    }),
  );
  const rate = new Map(
    names.map((n) => {
      const a = s.agents[n]!;
      return [n, a.requests / Math.max(intervalS, a.lastSeenS - a.firstSeenS)];
    }),
  );
  const mP99 = median([...p99.values()].filter((v): v is number => v !== null));
  const mErr = median([...errorShare.values()]);
  const mRate = median([...rate.values()]);
  for (const n of names) {
    const why: string[] = [];
    const p = p99.get(n);
    if (p != null && mP99 !== null && p > mP99 * 1.5 && p > mP99 + 20) {
      why.push(`p99 ${(p / mP99).toFixed(1)}× the median agent's`);
    }
    const e = errorShare.get(n)!;
    if (mErr !== null && e > Math.max(2 * mErr, 0.01))
      why.push(`errors ${(e * 100).toFixed(1)} % of its replies`);
    const r = rate.get(n)!;
    if (mRate !== null && mRate > 0 && r < mRate / 2) {
      why.push(`throughput ${Math.round((r / mRate) * 100)} % of the median agent's`);
    }
    if (why.length > 0) out.set(n, why);
  }
  return out;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}
