/** Number and text formatting shared by the Markdown and HTML reports. Missing figures print as an en dash. */

export const NONE = '–';

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * Escapes text for a Markdown table cell or paragraph: no raw HTML, no table breaks, no link or emphasis
 * syntax. Underscores inside words (error_rate) are left alone: GitHub Markdown does not read them as emphasis.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replaceAll('\\', '\\\\')
    .replace(/[|*`[\]<>#]/g, (c) => `\\${c}`)
    .replace(/(^|[^A-Za-z0-9])_|_(?![A-Za-z0-9])/g, (m) => m.replace('_', '\\_'))
    .replace(/[\r\n]+/g, ' ');
}

/** A Markdown code span (thresholds, outcome names): shown verbatim; only a pipe needs escaping in a table. */
export function mdCode(text: string): string {
  return `\`${text
    .replaceAll('`', "'")
    .replaceAll('|', '\\|')
    .replace(/[\r\n]+/g, ' ')}\``;
}

/** Three significant figures: 812 ms, 1.23 s, 0.412 ms. */
export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return NONE;
  if (ms >= 1000) return `${sig(ms / 1000)} s`;
  return `${sig(ms)} ms`;
}

export function fmtCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return NONE;
  return Math.round(n).toLocaleString('en-US');
}

export function fmtRate(perS: number | null | undefined): string {
  if (perS === null || perS === undefined || !Number.isFinite(perS)) return NONE;
  const digits = perS >= 100 ? 0 : perS >= 10 ? 1 : 2;
  return `${perS.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 })}/s`;
}

/** A fraction as a percentage with sensible precision: 0.5 %, 0.012 %, 99.7 %. */
export function fmtPct(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return NONE;
  const pct = fraction * 100;
  if (pct === 0) return '0 %';
  if (Math.abs(pct) < 0.01) return '< 0.01 %';
  const digits = Math.abs(pct) >= 10 ? 1 : 2;
  return `${Number(pct.toFixed(digits))} %`;
}

/** Seconds as 45 s, 1 min 30 s, 1 h 5 min. */
export function fmtDuration(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return NONE;
  if (s < 60) return `${Number(s.toFixed(s < 10 ? 1 : 0))} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.round(s % 60);
  if (h > 0) return `${h} h${m > 0 ? ` ${m} min` : ''}`;
  return `${m} min${sec > 0 ? ` ${sec} s` : ''}`;
}

/** A moment of the run (s since its start): 42.5 s under two minutes, then m:ss. */
export function fmtClock(s: number): string {
  if (s < 120) return `${Number(s.toFixed(1))} s`;
  const total = Math.round(s);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

/** A latency threshold's or verdict's value in its unit. */
export function fmtValue(value: number | null, unit: 'ms' | 'fraction'): string {
  return unit === 'ms' ? fmtMs(value) : fmtPct(value);
}

function sig(x: number): string {
  if (x === 0) return '0';
  return String(Number(x.toPrecision(3)));
}
