import { isOutcome, OUTCOMES, type Outcome } from '../outcome.js';
import { NAME_PATTERN, parseDurationMs, parseShare } from './quantities.js';

type ThresholdScope = { kind: 'tenant' } | { kind: 'each-agent' } | { kind: 'agent'; name: string };
export type ThresholdMetric =
  | { kind: 'percentile'; p: number }
  | { kind: 'max' }
  | { kind: 'mean' }
  | { kind: 'rate'; outcomes: Outcome[] }
  | { kind: 'error_rate' }
  | { kind: 'throughput' };
type ThresholdOp = '<' | '<=' | '>' | '>=';

/** One pass/fail rule. Latency values are milliseconds; rates and throughput are fractions. */
export interface Threshold {
  expression: string;
  scope: ThresholdScope;
  metric: ThresholdMetric;
  op: ThresholdOp;
  value: number;
}

export const THRESHOLD_HINT =
  "'[scope:] metric op value', e.g. 'p99 < 800ms', 'each-agent: p99 < 1s', 'agent-2: p50 < 200ms', " +
  "'rate(pta_timeout) < 0.5%', 'error_rate < 1%', 'throughput >= 95%'";
const METRICS_HINT =
  'p50, p90, p95, p99, p99.9 (any pNN), max, mean, rate(outcome,...), error_rate, throughput';

const BODY_RE = /^([A-Za-z_][A-Za-z0-9_.]*(?:\([^)]*\))?)\s*(<=|>=|<|>|==|=|!=)\s*(\S.*?)\s*$/;

export type ThresholdResult = { ok: true; threshold: Threshold } | { ok: false; error: string };

/** Parses one threshold expression; errors are sentences for the user (without file or path). */
export function parseThreshold(text: string): ThresholdResult {
  const expression = text.trim();
  const fail = (why: string): ThresholdResult => ({ ok: false, error: `${why} in '${expression}'` });
  let scope: ThresholdScope = { kind: 'tenant' };
  let body = expression;
  const colon = expression.indexOf(':');
  if (colon >= 0) {
    const label = expression.slice(0, colon).trim();
    body = expression.slice(colon + 1).trim();
    if (label === 'tenant') scope = { kind: 'tenant' };
    else if (label === 'each-agent') scope = { kind: 'each-agent' };
    else if (NAME_PATTERN.test(label)) scope = { kind: 'agent', name: label };
    else return fail(`the scope '${label}' is not 'tenant', 'each-agent' or an agent name`);
  }
  const m = BODY_RE.exec(body);
  if (!m) return fail(`expected ${THRESHOLD_HINT}`);
  const [, metricText, opText, valueText] = m as unknown as [string, string, string, string];
  if (opText === '=' || opText === '==' || opText === '!=') {
    return fail(`the comparison '${opText}' is not supported; use <, <=, > or >=`);
  }
  const op = opText as ThresholdOp;
  const metric = parseMetric(metricText);
  if (typeof metric === 'string') return fail(metric);
  if (metric.kind === 'throughput' && scope.kind !== 'tenant') {
    return fail('throughput is measured for the whole tenant only (achieved / target rate); drop the scope');
  }
  const latency = metric.kind === 'percentile' || metric.kind === 'max' || metric.kind === 'mean';
  let value: number | undefined;
  if (latency) {
    // A bare number is refused: "p99 < 800" could mean 800 ms or 800 s.
    value = /^\d+(\.\d+)?$/.test(valueText) ? undefined : parseDurationMs(valueText);
    if (value === undefined)
      return fail(`expected a latency with a unit like 800ms or 1.5s, got '${valueText}'`);
  } else {
    value = parseShare(/^\d+(\.\d+)?$/.test(valueText) ? Number(valueText) : valueText);
    if (value === undefined) {
      return fail(`expected a percentage like 0.5% or a fraction from 0 to 1, got '${valueText}'`);
    }
  }
  return { ok: true, threshold: { expression, scope, metric, op, value } };
}

function parseMetric(text: string): ThresholdMetric | string {
  const p = /^p(\d+(?:\.\d+)?)$/.exec(text);
  if (p) {
    const n = Number(p[1]);
    // p999 is the common spelling of p99.9 in HdrHistogram output.
    const value = text === 'p999' ? 99.9 : n;
    if (!(value > 0 && value < 100))
      return `a percentile must be between p0 and p100 (exclusive), got '${text}'`;
    return { kind: 'percentile', p: value };
  }
  if (text === 'max') return { kind: 'max' };
  if (text === 'mean' || text === 'avg') return { kind: 'mean' };
  if (text === 'error_rate') return { kind: 'error_rate' };
  if (text === 'throughput') return { kind: 'throughput' };
  const r = /^rate\(([^)]*)\)$/.exec(text);
  if (r) {
    const names = r[1]!
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (names.length === 0) return `rate() needs at least one outcome, e.g. rate(pta_timeout)`;
    const unknown = names.filter((n) => !isOutcome(n));
    if (unknown.length > 0) {
      return `unknown outcome '${unknown[0]}' (outcomes: ${OUTCOMES.join(', ')})`;
    }
    return { kind: 'rate', outcomes: [...new Set(names)] as Outcome[] };
  }
  return `unknown metric '${text}' (metrics: ${METRICS_HINT})`;
}
