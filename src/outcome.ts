/**
 * The closed set of outcome classes. Every reply (or failure to get one) lands in exactly one.
 * Order here is the order reports list them in.
 */
export const OUTCOMES = [
  'success',
  'invalid_credentials',
  'user_not_found',
  'locked',
  'disabled',
  'password_expired',
  'mfa_required',
  'ca_blocked',
  'pta_unavailable',
  'pta_timeout',
  'pta_error',
  'throttled',
  'config_error',
  'http_5xx',
  'network_error',
  'client_timeout',
  'other',
] as const;

export type Outcome = (typeof OUTCOMES)[number];

export function isOutcome(value: string): value is Outcome {
  return (OUTCOMES as readonly string[]).includes(value);
}

/** Outcomes that mean "the PTA agent path failed" rather than "the user or request was wrong". */
export const PTA_FAILURES: readonly Outcome[] = ['pta_unavailable', 'pta_timeout', 'pta_error'];

/**
 * Outcomes that count as errors in error-rate figures. Expected user-side answers (a deliberately wrong
 * password, a disabled test user) are correct behaviour of the system under test, not errors.
 */
export const ERROR_OUTCOMES: readonly Outcome[] = [
  'pta_unavailable',
  'pta_timeout',
  'pta_error',
  'throttled',
  'config_error',
  'http_5xx',
  'network_error',
  'client_timeout',
  'other',
];

/** The result of classifying one reply. */
export interface Classified {
  readonly outcome: Outcome;
  /** The AADSTS code when the reply carried one (kept verbatim for `other`). */
  readonly code?: number;
  /** Seconds from a 429's `Retry-After`. */
  readonly retryAfterS?: number;
  /**
   * What was odd about the reply, verbatim enough to diagnose it (status and the start of an HTML page, an
   * OAuth `error` without a code, the network error's code and message). Only set for the rarer classes.
   */
  readonly detail?: string;
}
