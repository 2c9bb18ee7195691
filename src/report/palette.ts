import type { Outcome } from '../outcome.js';

/**
 * Colour-blind-safe colours: Okabe & Ito's eight, then Paul Tol's "muted" set for more series.
 * Past those, colours repeat with a dash pattern so 40 agents stay distinguishable.
 */
const SERIES = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#D55E00',
  '#CC79A7',
  '#56B4E9',
  '#332288',
  '#999933',
  '#882255',
  '#44AA99',
  '#AA4499',
  '#117733',
];
const DASHES = [undefined, '6 3', '2 3', '8 3 2 3'];

export function seriesStyle(i: number): { color: string; dash?: string } {
  const color = SERIES[i % SERIES.length]!;
  const dash = DASHES[Math.floor(i / SERIES.length) % DASHES.length];
  return dash ? { color, dash } : { color };
}

export const INK = '#1f2328';
export const MUTED = '#59636e';

/** Fixed per class so the same outcome has the same colour in every report: greens/blues fine, warm = trouble. */
export const OUTCOME_COLORS: Record<Outcome, string> = {
  success: '#009E73',
  invalid_credentials: '#56B4E9',
  user_not_found: '#88CCEE',
  locked: '#332288',
  disabled: '#999933',
  password_expired: '#DDCC77',
  mfa_required: '#44AA99',
  ca_blocked: '#117733',
  pta_unavailable: '#CC79A7',
  pta_timeout: '#D55E00',
  pta_error: '#882255',
  throttled: '#E69F00',
  config_error: '#AA4499',
  http_5xx: '#000000',
  network_error: '#6e7781',
  client_timeout: '#0072B2',
  other: '#BBBBBB',
};
