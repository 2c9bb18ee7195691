/** The quantities a profile states in words: durations, rates and shares, their grammars, and the zod fields that parse them. */
import { z } from 'zod';

export const DURATION_HINT = 'a duration like 500ms, 90s, 5m, 1h or 1m30s, or a number of seconds';

const NUM = '(\\d+(?:\\.\\d+)?)';
/** Units in descending order, each at most once: `1h30m`, `1m30s`, `2s500ms`. */
const DURATION_PATTERN = `^\\s*(?:${NUM}\\s*h)?\\s*(?:${NUM}\\s*m(?!s))?\\s*(?:${NUM}\\s*s)?\\s*(?:${NUM}\\s*ms)?\\s*$`;
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

export const RATE_HINT = 'a rate like 200/s, 12000/min or 3/h, or a number per second';

const RATE_PATTERN = '^\\s*(\\d+(?:\\.\\d+)?)\\s*/\\s*(s|sec|second|min|minute|h|hour)\\s*$';
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

/** A rate typed on the command line, where every word is a string: a bare number is per second. */
export function parseRateWord(text: string): number | undefined {
  return /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : parseRate(text);
}

/** `850` → `850/s`; `0.5` → `30/min`; for summaries. */
export function formatRate(perS: number): string {
  if (perS >= 1 || perS === 0) return `${Math.round(perS * 100) / 100}/s`;
  if (perS * 60 >= 1) return `${Math.round(perS * 6000) / 100}/min`;
  return `${Math.round(perS * 360_000) / 100}/h`;
}

const SHARE_HINT = 'a percentage like 2% or 0.5%, or a fraction from 0 to 1';

const SHARE_PATTERN = '^\\s*(\\d+(?:\\.\\d+)?)\\s*%\\s*$';
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

/** A value as a user would recognise it in their file: strings quoted, long things cut. */
export function show(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

interface Bounds {
  /** Smallest allowed normalised value (ms, per second or fraction). */
  readonly min?: number;
  /** Largest allowed normalised value. */
  readonly max?: number;
  /** Zero is not allowed. */
  readonly positive?: boolean;
  /** Why the bounds are what they are, for the message. */
  readonly why?: string;
}

/**
 * A number-or-string field with its own little grammar. Input side (what editors see in the JSON
 * Schema) is `number | string matching pattern`; output side is the normalised number.
 */
function unit(
  hint: string,
  pattern: string,
  parse: (v: string | number) => number | undefined,
  format: (n: number) => string,
  bounds: Bounds,
  advise?: (v: string | number) => string,
) {
  const expected = (input: unknown) =>
    input === undefined ? `missing; expected ${hint}` : `expected ${hint}, got ${show(input)}`;
  return z
    .union([z.number(), z.string().regex(new RegExp(pattern), { error: (iss) => expected(iss.input) })], {
      error: (iss) => expected(iss.input),
    })
    .transform((v, ctx) => {
      const n = parse(v);
      if (n === undefined) {
        ctx.addIssue({ code: 'custom', message: expected(v) + (advise?.(v) ?? ''), input: v });
        return z.NEVER;
      }
      const tooSmall = bounds.positive ? n <= 0 : bounds.min !== undefined && n < bounds.min;
      if (tooSmall || (bounds.max !== undefined && n > bounds.max)) {
        const low = bounds.positive ? 'more than 0' : `at least ${format(bounds.min ?? 0)}`;
        const range = bounds.max === undefined ? low : `${low} and at most ${format(bounds.max)}`;
        const why = bounds.why ? ` (${bounds.why})` : '';
        ctx.addIssue({ code: 'custom', message: `must be ${range}, got ${show(v)}${why}`, input: v });
        return z.NEVER;
      }
      return n;
    });
}

/** Durations normalise to milliseconds. */
export const duration = (bounds: Bounds = {}) =>
  unit(DURATION_HINT, DURATION_PATTERN, parseDurationMs, formatDuration, bounds).meta({
    description: `${DURATION_HINT}`,
  });

/** Rates normalise to events per second. */
export const rate = (bounds: Bounds = {}) =>
  unit(RATE_HINT, RATE_PATTERN, parseRate, formatRate, bounds).meta({ description: RATE_HINT });

/**
 * The most a profile's load may ask for, all shards together. Entra's ceiling is 40 agents × ~400/s ≈
 * 16,000/s; a rate far above any tenant is a typo, and an absurd one (1000000000/s) would keep a worker
 * generating arrivals for ever instead of sending them.
 */
export const MAX_LOAD_RATE = 100_000;

/** A rate in a load phase: bounded by MAX_LOAD_RATE. */
export const loadRate = (opts: { positive?: boolean } = {}) =>
  rate({
    ...opts,
    max: MAX_LOAD_RATE,
    why: 'far above any tenant: 40 PTA agents take about 16000/s; check for a typo',
  });

/** Shares normalise to a fraction 0..1. */
export const share = () =>
  unit(
    SHARE_HINT,
    SHARE_PATTERN,
    parseShare,
    (n) => `${n * 100}%`,
    {},
    (v) => (typeof v === 'number' && v > 1 && v <= 100 ? ` (did you mean '${v}%'?)` : ''),
  ).meta({ description: SHARE_HINT });

/** Names of agents, sites and profiles: safe in file names, tags and shell hooks. */
export const NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
export const name = (what: string) =>
  z.string().regex(NAME_PATTERN, {
    error: (iss) => `expected ${what}: 1-64 letters, digits, '.', '_' or '-', got ${show(iss.input)}`,
  });

export const GUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const DOMAIN_PATTERN = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
export const guid = (what: string) =>
  z.string().regex(GUID_PATTERN, { error: (iss) => `expected ${what} as a GUID, got ${show(iss.input)}` });
export const dnsDomain = () =>
  z.string().regex(DOMAIN_PATTERN, {
    error: (iss) => `expected a DNS domain like contoso.test, got ${show(iss.input)}`,
  });

/**
 * The NAME of an environment variable holding a client secret: the secret itself never goes in a profile. A
 * value that does not look like a name may be a pasted secret, so the message does not repeat it.
 */
export const secretEnvName = () =>
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
    error: (iss) =>
      `expected the NAME of an environment variable holding the client secret (never the secret itself), got ${show(typeof iss.input === 'string' ? '(hidden)' : iss.input)}`,
  });
