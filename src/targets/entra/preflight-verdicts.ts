import type { Classified } from '../../outcome.js';
import { explainConfigError } from '../../transport/aadsts-outcomes.js';

/** Where preflight finds a Graph access token (never a flag: a token on a command line ends up in shell history). */
export const GRAPH_TOKEN_ENV = 'PTALOAD_GRAPH_TOKEN';

type CheckName = 'discovery' | 'realm' | 'agents' | 'sign-in' | 'public client' | 'load plan';

export interface PreflightCheck {
  readonly name: CheckName;
  /**
   * `warn`: no reason to stop, but not proven either (a managed domain may use password hash sync).
   * `skip`: not tried, because an earlier check already showed it could not succeed.
   */
  readonly status: 'ok' | 'warn' | 'fail' | 'skip';
  readonly detail: string;
}

/** What the one preflight sign-in says, in plain words: the sign-in itself, and the app's public-client setting. */
export function signInVerdict(
  c: Classified,
  status: number,
  username: string,
  ms: number,
  confidential: boolean,
): [PreflightCheck, PreflightCheck] {
  const code = c.code === undefined ? '' : ` (AADSTS${c.code})`;
  const fail = (detail: string): PreflightCheck => ({ name: 'sign-in', status: 'fail', detail });
  const publicClient = (): PreflightCheck => {
    if (confidential) {
      return {
        name: 'public client',
        status: 'ok',
        detail: 'not needed: signing in as a confidential client with the secret from the environment',
      };
    }
    if (c.code === 7000218) {
      return {
        name: 'public client',
        status: 'fail',
        detail:
          "not allowed: App registrations → your app → Authentication → 'Allow public client flows' must be Yes (or use a client secret through target.clientSecretEnv)",
      };
    }
    // Entra checks the app before the password: any answer about the user means the app got through.
    const pastTheApp =
      c.outcome !== 'config_error' &&
      c.outcome !== 'network_error' &&
      c.outcome !== 'client_timeout' &&
      c.outcome !== 'http_5xx' &&
      c.outcome !== 'other';
    return pastTheApp
      ? {
          name: 'public client',
          status: 'ok',
          detail: 'allowed: Entra accepted a password sign-in without a client secret',
        }
      : {
          name: 'public client',
          status: 'skip',
          detail: 'unknown: the sign-in did not get far enough to tell',
        };
  };
  const signIn = ((): PreflightCheck => {
    switch (c.outcome) {
      case 'success':
        return { name: 'sign-in', status: 'ok', detail: `${username} signed in (HTTP ${status}, ${ms} ms)` };
      case 'config_error':
        return fail(explainConfigError(c));
      case 'invalid_credentials':
        return fail(
          `${username}: wrong password${code}. Fix the password in the users file (wrong passwords count towards smart lockout).`,
        );
      case 'user_not_found':
        return fail(
          `${username} does not exist in this tenant${code}: create the test users first, or fix the users file.`,
        );
      case 'locked':
        return fail(
          `${username} is locked${code}: smart lockout (or, through PTA, the on-prem AD) has locked it. Wait for the lockout to expire or unlock it, and check the passwords in the users file.`,
        );
      case 'disabled':
        return fail(
          `${username} cannot sign in now${code}: the account is disabled, or AD logon hours forbid it. Use active test users.`,
        );
      case 'password_expired':
        return fail(
          `${username}'s password has expired${code}: set a new one (and a non-expiring policy for test users).`,
        );
      case 'mfa_required':
        return fail(
          `${username} must use MFA${code}, which a password grant cannot do: exclude the test users (a group) from the MFA / Conditional Access policies that apply, or use users that are not in scope.`,
        );
      case 'ca_blocked':
        return fail(
          `Conditional Access blocked the sign-in${code}: exclude the test users or this app from the blocking policy (Sign-in logs show which one).`,
        );
      case 'pta_unavailable':
      case 'pta_timeout':
      case 'pta_error':
        return fail(
          `the PTA agent path failed${code}: check in the Entra admin center (Pass-through authentication) that the agents are active, and their Admin event logs.`,
        );
      case 'throttled':
        return fail(
          c.code === 50196
            ? `Entra throttled ${username}${code}: the same user signed in to this app too often (a "client request loop"). Wait a few minutes before trying again, and keep target.pacing.perUserPerMinute low.`
            : `Entra throttled the sign-in${code || ' (HTTP 429)'}${c.retryAfterS !== undefined ? `, retry after ${c.retryAfterS} s` : ''}: the tenant is getting too many requests; wait before trying again.`,
        );
      default:
        return fail(
          `the sign-in got no usable answer: ${c.outcome}${code}${c.detail ? `: ${c.detail}` : ''}`,
        );
    }
  })();
  return [signIn, publicClient()];
}

/**
 * What `getuserrealm.srf` says about the first user's domain. Managed is PTA, password hash sync or
 * cloud-only alike, so it proves PTA only with `agentsSeen` (active agents listed through Graph).
 */
export function realmVerdict(
  status: number,
  json: Record<string, unknown> | undefined,
  login: string,
  agentsSeen = false,
): PreflightCheck {
  const domain = login.slice(login.lastIndexOf('@') + 1);
  const kind = json?.NameSpaceType;
  if (status !== 200 || typeof kind !== 'string') {
    return {
      name: 'realm',
      status: 'fail',
      detail: `realm lookup answered HTTP ${status} without a NameSpaceType`,
    };
  }
  if (kind === 'Managed') {
    if (agentsSeen) {
      return {
        name: 'realm',
        status: 'ok',
        detail: `${domain} is a managed domain and the tenant has active PTA agents (see agents): its sign-ins are validated through PTA`,
      };
    }
    return {
      name: 'realm',
      status: 'warn',
      detail: `${domain} is managed: PTA or password hash sync — not verified (Managed covers both, and cloud-only accounts too). To verify, see Entra admin center → Entra Connect → Connect Sync: "Pass-through authentication" Enabled with active agents; or set ${GRAPH_TOKEN_ENV} to a delegated Graph token and preflight lists the agents`,
    };
  }
  if (kind === 'Federated') {
    return {
      name: 'realm',
      status: 'warn',
      detail: `${domain} is federated (AD FS or another identity provider): its users' passwords go to the federation service, not to PTA agents, unless they are in a Staged Rollout group for pass-through authentication. Staged rollout? Then use only test users in that group; otherwise use test users in a managed domain, or a load test here measures the wrong thing`,
    };
  }
  return {
    name: 'realm',
    status: 'fail',
    detail: `${domain} is not a verified domain of any tenant here (NameSpaceType ${kind}): check the usernames in the users file and the authority host's cloud.`,
  };
}
