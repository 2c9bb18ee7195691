import { z } from 'zod';
import { DURATION_HINT, DURATION_PATTERN, formatDuration, parseDurationMs } from './duration.js';
import { formatRate, parseRate, RATE_HINT, RATE_PATTERN } from './rate.js';
import { parseShare, SHARE_HINT, SHARE_PATTERN } from './share.js';

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
        ctx.addIssue({ code: 'custom', message: `must be ${range}, got ${show(v)}`, input: v });
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
