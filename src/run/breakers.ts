import type { Histogram } from 'hdr-histogram-js';
import type { Breaker } from '../load/load-sink.js';
import type { IntervalRecord, SeriesTag } from '../metrics/types.js';
import { type Outcome, PTA_FAILURES } from '../outcome.js';
import type { Profile } from '../profile/schema.js';
import type { Target } from '../targets/target.js';
import { explainConfigError, outcomeOfCode } from '../transport/aadsts-outcomes.js';

/**
 * A configuration error (app not found, public client flows off, unknown tenant…) will fail every
 * sign-in the same way: stop at once and say how to fix it, rather than hammering the tenant.
 */
function configErrorBreaker(
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

/** Fewer replies than this in the window and no share is judged (1 locked of 2 is not 50 %). */
const MIN_REPLIES = 20;
/** The window grows back in time until it holds this many replies (or MAX_WINDOW intervals). */
const WINDOW_REPLIES = 100;
const MAX_WINDOW = 60;
/** One stray account (a typo in the users file) must not stop a run: it takes a few. */
const MIN_EVENTS = 3;

/**
 * Stops the run when replies in `outcomes` pass `share` of the replies over a recent window: the latest
 * intervals holding at least WINDOW_REPLIES replies, judged once MIN_REPLIES are in and MIN_EVENTS seen.
 * Stateful (a rolling window): make one per run.
 */
function shareBreaker(
  outcomes: readonly Outcome[],
  share: number,
  explain: (events: number, replies: number) => string,
): Breaker {
  const suffixes = outcomes.map((o) => `/${o}`);
  const window: { replies: number; events: number }[] = [];
  return (record, histograms) => {
    let events = 0;
    for (const [tag, h] of histograms) if (suffixes.some((s) => tag.endsWith(s))) events += h.totalCount;
    window.push({ replies: record.completed, events });
    let replies = window.reduce((a, w) => a + w.replies, 0);
    while (
      window.length > MAX_WINDOW ||
      (window.length > 1 && replies - window[0]!.replies >= WINDOW_REPLIES)
    ) {
      replies -= window.shift()!.replies;
    }
    const seen = window.reduce((a, w) => a + w.events, 0);
    if (replies < MIN_REPLIES || seen < MIN_EVENTS || seen <= share * replies) return undefined;
    return explain(seen, replies);
  };
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

/** Smart lockout is locking test accounts: more load only locks more (and, through PTA, maybe on-prem too). */
export function lockoutBreaker(share: number): Breaker {
  return shareBreaker(
    ['locked'],
    share,
    (n, of) =>
      `stopped: ${n} of the last ${of} replies (${pct(n / of)}) said the account is locked (AADSTS50053), above target.breakers.lockedShare ${pct(share)}. Smart lockout is locking test accounts, and with PTA your on-prem AD lockout policy may follow: let the lockouts expire (unlock any the AD locked), check the passwords in the users file, and lower users.wrongPasswordShare or target.pacing.wrongPerUserPerHour.`,
  );
}

/** The agents are failing: the run has found its answer, and more load only hurts real users' sign-ins. */
export function ptaFailureBreaker(share: number): Breaker {
  return shareBreaker(
    PTA_FAILURES,
    share,
    (n, of) =>
      `stopped: ${n} of the last ${of} replies (${pct(n / of)}) were PTA failures (AADSTS8000x: no agent reachable, agent timed out or failed), above target.breakers.ptaFailureShare ${pct(share)}. Check the agents' status in the Entra admin center (Pass-through authentication) and their Admin event logs before sending more load.`,
  );
}

/** Entra is throttling (50196 per user, 90055/90024 or 429 for the tenant): backing off is not enough. */
export function throttleBreaker(share: number): Breaker {
  return shareBreaker(
    ['throttled'],
    share,
    (n, of) =>
      `stopped: ${n} of the last ${of} replies (${pct(n / of)}) were throttled (AADSTS50196: one user signing in to the app too often; 90055/90024 or HTTP 429: the tenant), above target.breakers.throttledShare ${pct(share)}, although the run cooled users down and paused as asked. Give each user fewer tries (target.pacing.perUserPerMinute, more test users) or lower the rate; the figures of a throttled run measure Entra's protection, not the agents.`,
  );
}

/** Distinct users whose first 50053 of the run makes it look like an IP block rather than our lockouts. */
const SPRAY_USERS = 10;
/** Users locked although they sent the right password and got no wrong one from us: a few are enough. */
const SPRAY_UNEXPLAINED = 3;

/**
 * 50053 is also Entra blocking the load generator's IP as malicious, whatever the password: a one-IP load
 * test with wrong passwords looks like a password spray. Stop when many distinct users are locked, or a few
 * that sent the right password and got no wrong password from this run; counts are over the whole run
 * (each user counts once, the first time). Stateful: make one per run.
 */
export function sprayBreaker(): Breaker {
  let users = 0;
  let unexplained = 0;
  return (record) => {
    users += record.lockouts?.users ?? 0;
    unexplained += record.lockouts?.unexplained ?? 0;
    if (users < SPRAY_USERS && unexplained < SPRAY_UNEXPLAINED) return undefined;
    return `stopped: AADSTS50053 (account locked) came for ${users} distinct user(s) so far, ${unexplained} of them with the right password and no wrong password from this run in the hour before. 50053 is also Entra blocking sign-ins from an IP address it finds malicious, whatever the password, and a load test from one IP with wrong passwords looks like a password spray. Check the failure reason of these sign-ins in the Entra sign-in logs: "Sign-in was blocked because it came from an IP address with malicious activity" is the IP block (wait for it to lift, lower users.wrongPasswordShare, spread the load over more source IPs or shards); "The account is locked…" is smart lockout (unlock the accounts, check the users file's passwords).`;
  };
}

/** Network errors with not one reply of any kind before them: enough to say the target is not there. */
const UNREACHABLE_EVENTS = 5;

/**
 * A target that never answers (a closed port, a server that accepts and closes, a wrong host) fails every
 * sign-in as network_error: stop and say where to look, instead of finishing a run of nothing but errors
 * with exit 0. Judged only until the first reply of any other kind: once the target has answered, later
 * network errors are a finding of the run (agents or a proxy failing under load), not a wrong address.
 * Stateful: make one per run.
 */
function unreachableBreaker(url: string): Breaker {
  let answered = false;
  let failed = 0;
  return (_record, histograms) => {
    if (answered) return undefined;
    for (const [tag, h] of histograms) {
      if (h.totalCount === 0) continue;
      if (tag.endsWith('/network_error')) failed += h.totalCount;
      else answered = true;
    }
    if (answered || failed < UNREACHABLE_EVENTS) return undefined;
    return `target unreachable: all ${failed} sign-in(s) sent to ${url} so far failed at the network level (connection refused, reset or closed before a reply), and not one got an answer. Check that the address and port are right, that the server is running and listening there, that a firewall or proxy (HTTPS_PROXY, NO_PROXY) lets the connection through, and for https that it speaks TLS on that port.`;
  };
}

/** Lets a target stop the run (a failed hook with stopOnFailure). */
export function targetBreaker(target: Pick<Target, 'stopReason'>): Breaker {
  return () => target.stopReason?.();
}

/** The breakers a run gets: config errors and an unreachable target always; for a real tenant, IP blocks, lockouts, throttling and optionally PTA failures. */
export function breakersFor(
  profile: Profile,
  target: Pick<Target, 'stopReason'> & { readonly url?: string },
): Breaker[] {
  // The target's own reason (a dead simulator, a failed hook) goes before the unreachable breaker: it is the more specific.
  const out: Breaker[] = [
    configErrorBreaker,
    targetBreaker(target),
    unreachableBreaker(target.url ?? 'the target'),
  ];
  const t = profile.target;
  if (t.kind === 'entra') {
    // The spray breaker goes first: its explanation of 50053 is the more specific one.
    out.push(sprayBreaker(), lockoutBreaker(t.breakers.lockedShare));
    if (t.breakers.throttledShare !== null) out.push(throttleBreaker(t.breakers.throttledShare));
    if (t.breakers.ptaFailureShare !== null) out.push(ptaFailureBreaker(t.breakers.ptaFailureShare));
  }
  return out;
}
