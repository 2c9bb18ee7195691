import type { Histogram } from 'hdr-histogram-js';
import type { IntervalRecord, SeriesTag } from '../metrics/types.js';
import { explainConfigError, outcomeOfCode } from '../transport/aadsts-outcomes.js';

/**
 * A configuration error (app not found, public client flows off, unknown tenant…) will fail every
 * sign-in the same way: stop at once and say how to fix it, rather than hammering the tenant.
 */
export function configErrorBreaker(
  record: IntervalRecord,
  histograms: Map<SeriesTag, Histogram>,
): string | undefined {
  let seen = 0;
  for (const [tag, h] of histograms) if (tag.endsWith('/config_error')) seen += h.totalCount;
  if (seen === 0) return undefined;
  const code = Object.keys(record.codes)
    .map(Number)
    .find((c) => outcomeOfCode(c) === 'config_error');
  const why =
    code === undefined ? 'The target rejected the request as misconfigured.' : explainConfigError(code);
  return `stopped after ${seen} sign-in(s) failed with a configuration error, which more load will not change. ${why}`;
}
