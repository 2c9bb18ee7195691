/** Words for error messages: what a share looks like. */
export const SHARE_HINT = 'a percentage like 2% or 0.5%, or a fraction from 0 to 1';

export const SHARE_PATTERN = '^\\s*(\\d+(?:\\.\\d+)?)\\s*%\\s*$';
const SHARE_RE = new RegExp(SHARE_PATTERN);

/** A share as a fraction 0..1, or undefined when `value` is not one (so `2` is refused, not read as 200%). */
export function parseShare(value: string | number): number | undefined {
  if (typeof value === 'number')
    return Number.isFinite(value) && value >= 0 && value <= 1 ? value : undefined;
  const m = SHARE_RE.exec(value);
  if (!m) return undefined;
  const fraction = Number(m[1]) / 100;
  return fraction <= 1 ? fraction : undefined;
}

/** `0.005` → `0.5%`. */
export function formatShare(fraction: number): string {
  return `${Math.round(fraction * 100_000) / 1000}%`;
}
