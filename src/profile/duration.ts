/** Words for error messages: what a duration looks like. */
export const DURATION_HINT = 'a duration like 500ms, 90s, 5m, 1h or 1m30s, or a number of seconds';

const NUM = '(\\d+(?:\\.\\d+)?)';
/** Units in descending order, each at most once: `1h30m`, `1m30s`, `2s500ms`. */
export const DURATION_PATTERN = `^\\s*(?:${NUM}\\s*h)?\\s*(?:${NUM}\\s*m(?!s))?\\s*(?:${NUM}\\s*s)?\\s*(?:${NUM}\\s*ms)?\\s*$`;
const DURATION_RE = new RegExp(DURATION_PATTERN);
const UNIT_MS = [3_600_000, 60_000, 1000, 1] as const;

/**
 * A duration in milliseconds (µs precision), or undefined when `value` is not one. Numbers are
 * seconds, as in most load tools' YAML.
 */
export function parseDurationMs(value: string | number): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? roundMicros(value * 1000) : undefined;
  }
  const m = DURATION_RE.exec(value);
  if (!m || value.trim() === '') return undefined;
  let ms = 0;
  let any = false;
  for (let i = 0; i < UNIT_MS.length; i++) {
    const part = m[i + 1];
    if (part === undefined) continue;
    any = true;
    ms += Number(part) * UNIT_MS[i]!;
  }
  return any ? roundMicros(ms) : undefined;
}

function roundMicros(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** `90000` → `1m30s`; `1500` → `1.5s`; `250` → `250ms`. For summaries, not for parsing back exactly. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${trim(ms)}ms`;
  if (ms < 60_000) return `${trim(ms / 1000)}s`;
  const totalS = Math.round(ms / 1000);
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}` || '0s';
}

function trim(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}
