import type { z } from 'zod';
import type { CrossIssue } from './cross-check.js';
import { show } from './quantities.js';
import type { IssuePath, ProfileSource } from './source.js';

/** How many problems one error message lists; the rest are usually knock-on effects. */
const MAX_LISTED = 8;

/** `['load', 'phases', 2, 'rate']` → `load.phases[2].rate`. */
function formatPath(path: IssuePath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** One line per problem: `file:line: field.path: what is wrong and what is expected`. */
export function formatIssues(
  issues: readonly (z.core.$ZodIssue | CrossIssue)[],
  sourceName: string,
  source: ProfileSource,
): string {
  const located = issues.map((issue) => {
    const key = 'code' in issue && issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    return { issue, line: source.lineOf(issue.path, key) };
  });
  // In file order, so the list reads top to bottom like the file (sort is stable for equal lines).
  located.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const lines = located.slice(0, MAX_LISTED).map(({ issue, line }) => {
    const where = line === undefined ? sourceName : `${sourceName}:${line}`;
    const field = formatPath(issue.path);
    return `${where}: ${field === '' ? '' : `${field}: `}${issue.message}`;
  });
  if (issues.length > MAX_LISTED) lines.push(`(and ${issues.length - MAX_LISTED} more problems)`);
  return lines.join('\n');
}

const EXPECTED: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  object: 'a mapping (key: value lines)',
  array: 'a list',
  null: 'null',
};

/**
 * Messages for zod's built-in checks, in the user's words. Schema-level messages (the unit grammars,
 * names, GUIDs) take precedence over these.
 */
export function profileErrorMap(iss: z.core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type': {
      const expected = EXPECTED[iss.expected] ?? iss.expected;
      if (iss.input === undefined) return `missing; expected ${expected}`;
      return `expected ${expected}, got ${show(iss.input)}`;
    }
    case 'too_small': {
      const min = String(iss.minimum);
      if (iss.origin === 'array') return `needs at least ${min} item${min === '1' ? '' : 's'}`;
      if (iss.origin === 'string') return 'must not be empty';
      return `must be ${iss.inclusive === false ? 'more than' : 'at least'} ${min}, got ${show(iss.input)}`;
    }
    case 'too_big': {
      const max = String(iss.maximum);
      if (iss.origin === 'array') return `has more than ${max} items`;
      if (iss.origin === 'string') return `is longer than ${max} characters`;
      return `must be ${iss.inclusive === false ? 'less than' : 'at most'} ${max}, got ${show(iss.input)}`;
    }
    case 'invalid_value':
      return iss.values.length === 1
        ? `expected ${show(iss.values[0])}, got ${show(iss.input)}`
        : `expected one of ${iss.values.map((v) => show(v)).join(', ')}, got ${show(iss.input)}`;
    case 'unrecognized_keys': {
      const allowed = objectKeys(iss.inst);
      const hints = iss.keys.map((k) => {
        const near = closest(k, allowed);
        return near ? `'${k}' (did you mean '${near}'?)` : `'${k}'`;
      });
      const known = allowed.length > 0 ? `; known fields here: ${allowed.join(', ')}` : '';
      return `unknown field${iss.keys.length > 1 ? 's' : ''} ${hints.join(', ')}${known}`;
    }
    case 'invalid_union': {
      const d = iss as typeof iss & { discriminator?: string; options?: unknown[] };
      if (d.discriminator && d.options) {
        return `expected one of ${d.options.map((o) => show(o)).join(', ')}, got ${show((iss.input as Record<string, unknown> | undefined)?.[d.discriminator])}`;
      }
      return `${show(iss.input)} does not match any of the allowed forms`;
    }
    case 'invalid_format':
      return `expected ${iss.format === 'regex' ? 'text matching the pattern' : iss.format}${'pattern' in iss && iss.pattern ? ` ${String(iss.pattern)}` : ''}, got ${show(iss.input)}`;
    default:
      return undefined;
  }
}

function objectKeys(inst: unknown): string[] {
  const shape = (inst as { def?: { shape?: Record<string, unknown> } } | undefined)?.def?.shape;
  return shape ? Object.keys(shape).filter((k) => k !== '$schema') : [];
}

/** A known field within two edits (or differing only in case) of what was typed. */
function closest(typed: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const k of known) {
    const d = k.toLowerCase() === typed.toLowerCase() ? 0 : distance(typed, k);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}
