/** Words for error messages: what a rate looks like. */
export const RATE_HINT = 'a rate like 200/s, 12000/min or 3/h, or a number per second';

export const RATE_PATTERN = '^\\s*(\\d+(?:\\.\\d+)?)\\s*/\\s*(s|sec|second|min|minute|h|hour)\\s*$';
const RATE_RE = new RegExp(RATE_PATTERN);
const PER_S: Record<string, number> = {
  s: 1,
  sec: 1,
  second: 1,
  min: 1 / 60,
  minute: 1 / 60,
  h: 1 / 3600,
  hour: 1 / 3600,
};

/** A rate in events per second, or undefined when `value` is not one. */
export function parseRate(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const m = RATE_RE.exec(value);
  if (!m) return undefined;
  return Number(m[1]) * PER_S[m[2]!]!;
}

/** `850` → `850/s`; `0.5` → `30/min`; for summaries. */
export function formatRate(perS: number): string {
  if (perS >= 1 || perS === 0) return `${Math.round(perS * 100) / 100}/s`;
  if (perS * 60 >= 1) return `${Math.round(perS * 6000) / 100}/min`;
  return `${Math.round(perS * 360_000) / 100}/h`;
}
