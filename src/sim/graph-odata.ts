/** The OData subset the simulator's sign-in log API answers: $filter on time, app, correlation id, user and event type; $top; $skiptoken. */

export interface SignInFilter {
  readonly fromMs?: { readonly ms: number; readonly inclusive: boolean };
  readonly toMs?: { readonly ms: number; readonly inclusive: boolean };
  readonly appId?: string;
  readonly correlationId?: string;
  readonly userPrincipalName?: string;
  /** Event types asked for (`signInEventTypes/any(t: t eq 'a' or t eq 'b')`); absent: the endpoint's default. */
  readonly eventTypes?: readonly string[];
}

/** A query Graph would refuse: the message goes into Graph's error shape with code BadRequest. */
export class ODataError extends Error {}

const ISO = '(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?Z)';
const QUOTED = "'((?:[^']|'')*)'";

export function parseSignInFilter(text: string | null): SignInFilter {
  if (text === null || text.trim() === '') return {};
  let f: { -readonly [K in keyof SignInFilter]: SignInFilter[K] } = {};
  for (const raw of splitAnd(text)) {
    const clause = raw
      .trim()
      .replace(/^\((.*)\)$/, '$1')
      .trim();
    let m = new RegExp(`^createdDateTime\\s+(ge|gt|le|lt)\\s+${ISO}$`, 'i').exec(clause);
    if (m) {
      const ms = Date.parse(m[2]!);
      const op = m[1]!.toLowerCase();
      if (op === 'ge' || op === 'gt') f = { ...f, fromMs: { ms, inclusive: op === 'ge' } };
      else f = { ...f, toMs: { ms, inclusive: op === 'le' } };
      continue;
    }
    m = new RegExp(`^(appId|correlationId|userPrincipalName)\\s+eq\\s+${QUOTED}$`, 'i').exec(clause);
    if (m) {
      const key =
        m[1]!.toLowerCase() === 'appid'
          ? 'appId'
          : m[1]!.toLowerCase() === 'correlationid'
            ? 'correlationId'
            : 'userPrincipalName';
      f = { ...f, [key]: m[2]!.replace(/''/g, "'") };
      continue;
    }
    m = /^signInEventTypes\/any\(\s*(\w+)\s*:\s*(.+)\)$/i.exec(clause);
    if (m) {
      const v = m[1]!;
      const types: string[] = [];
      for (const alt of m[2]!.split(/\s+or\s+/i)) {
        const t = new RegExp(`^\\(?\\s*${v}\\s+eq\\s+${QUOTED}\\s*\\)?$`).exec(alt.trim());
        if (!t) throw new ODataError(`Invalid filter clause: '${alt.trim()}' inside signInEventTypes/any.`);
        types.push(t[1]!);
      }
      f = { ...f, eventTypes: types };
      continue;
    }
    throw new ODataError(`Invalid filter clause: the simulator does not support '${clause}'.`);
  }
  return f;
}

/** Splits on top-level ` and ` (not inside parentheses or quotes). */
function splitAnd(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && /^\sand\s/i.test(text.slice(i, i + 5))) {
      out.push(text.slice(start, i));
      start = i + 5;
      i += 4;
    }
  }
  out.push(text.slice(start));
  return out;
}

export function matches(
  f: SignInFilter,
  e: {
    createdMs: number;
    appId: string;
    correlationId: string;
    userPrincipalName: string;
    eventType: string;
  },
  defaultTypes: readonly string[],
): boolean {
  if (f.fromMs && (f.fromMs.inclusive ? e.createdMs < f.fromMs.ms : e.createdMs <= f.fromMs.ms)) return false;
  if (f.toMs && (f.toMs.inclusive ? e.createdMs > f.toMs.ms : e.createdMs >= f.toMs.ms)) return false;
  if (f.appId !== undefined && f.appId.toLowerCase() !== e.appId.toLowerCase()) return false;
  if (f.correlationId !== undefined && f.correlationId.toLowerCase() !== e.correlationId.toLowerCase())
    return false;
  if (
    f.userPrincipalName !== undefined &&
    f.userPrincipalName.toLowerCase() !== e.userPrincipalName.toLowerCase()
  )
    return false;
  return (f.eventTypes ?? defaultTypes).includes(e.eventType);
}

/** $skiptoken: where the next page starts in the query's ordered results (opaque to clients). */
export function skipToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

export function readSkipToken(token: string | null): number {
  if (token === null) return 0;
  try {
    const o = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown }).o;
    if (typeof o === 'number' && Number.isInteger(o) && o >= 0) return o;
  } catch {
    // fall through
  }
  throw new ODataError('Invalid $skiptoken.');
}
