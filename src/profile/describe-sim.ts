/** The simulated tenant's behaviour in words, for `ptaload validate`: what it models beyond its defaults, one line each. */
import { formatDuration, formatShare } from './quantities.js';
import type { SimTarget } from './schema.js';

/** The first line says what every sim has (timeouts, smart lockout); the rest only what the profile turned on. */
export function describeSimTarget(t: SimTarget): string[] {
  const queue = t.queueTimeoutMs === undefined ? '' : `, queue timeout ${formatDuration(t.queueTimeoutMs)}`;
  const l = t.lockout;
  const out = [
    `sim (simulated tenant ${t.domain}, ${t.tls ? 'https' : 'http'}, seed ${t.seed}, PTA timeout ${formatDuration(t.ptaTimeoutMs)}${queue}, late answers ${t.lateAnswerCode})`,
    `smart lockout after ${l.threshold} wrong passwords for ${formatDuration(l.durationMs)}, ×${l.growth} each repeat; ${l.hashTracking ? 'a repeat of a recent wrong password not counted (hash tracking, as with password hash sync)' : 'every wrong password counts (PTA)'}`,
  ];
  const o = t.onPremLockout;
  if (o) {
    out.push(
      `on-prem AD lockout after ${o.threshold} bad passwords within ${formatDuration(o.windowMs)}, for ${formatDuration(o.durationMs)} (50053 through the agent)`,
    );
  }
  const r = t.requestLoop;
  if (r) {
    out.push(
      `request loop: more than ${r.threshold} sign-ins of one user per ${formatDuration(r.windowMs)} get 50196 (throttled)`,
    );
  }
  if (t.ipBlock) out.push('IP blocked: every sign-in answers 50053, whatever the password');
  const i = t.inject;
  if (i) {
    const which =
      i.share !== undefined ? `${formatShare(i.share)} of sign-ins` : `the first ${i.count} sign-ins`;
    out.push(`injected: ${which} end with AADSTS${i.code}`);
  }
  if (!t.agentHeader) out.push('no agent header in replies (as Entra): live figures are keyed tenant');
  if (t.clientSecretEnv !== undefined) {
    out.push(
      `confidential app, client secret from $${t.clientSecretEnv}${t.secretExpired ? ' (expired: every sign-in 7000222)' : ''}`,
    );
  }
  return out;
}
