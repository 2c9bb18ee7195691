/** The code map: which outcome class each AADSTS code falls in, and what to do about configuration errors. */
import type { Classified, Outcome } from '../outcome.js';
import { AADSTS, CA_CODES, MFA_CODES } from '../protocol/aadsts.js';

/**
 * Throttling codes. 50196 is about one user and one app (a "client request loop"): that user cools down.
 * 90055 and 90024 are about the whole tenant: the whole run backs off.
 */
const USER_THROTTLE_CODES: readonly number[] = [AADSTS.requestLoop.code];
const TENANT_THROTTLE_CODES: readonly number[] = [AADSTS.tenantThrottled.code, AADSTS.budgetExceeded.code];
const THROTTLE_CODES = [...USER_THROTTLE_CODES, ...TENANT_THROTTLE_CODES];

/** A throttle about one user and one app (50196), which that user's rest answers, not the whole run's. */
export function isUserThrottle(code: number | undefined): boolean {
  return code !== undefined && USER_THROTTLE_CODES.includes(code);
}

/** Configuration errors: the AADSTS code and what an administrator should do about it. */
const EXPLANATIONS: ReadonlyMap<number, string> = new Map<number, string>([
  [
    AADSTS.publicClientNotAllowed.code,
    "the app registration does not allow public client flows. In the Entra admin center open App registrations → your app → Authentication and set 'Allow public client flows' to Yes, or use it as a confidential client by putting a client secret in the environment variable named by target.clientSecretEnv",
  ],
  [
    AADSTS.appNotFound.code,
    "the client id is not an application in this tenant. Check target.clientId against the app registration's 'Application (client) ID', and that target.tenant is the tenant the app is registered in (or consented to)",
  ],
  [
    AADSTS.tenantNotFound.code,
    'the tenant does not exist in this cloud. Check target.tenant (a tenant GUID or a verified domain) and that target.authorityHost is the cloud the tenant lives in (public, usgov or china)',
  ],
  [
    AADSTS.consentRequired.code,
    "nobody has consented to the app's permissions, and ROPC cannot show a consent prompt. Open App registrations → your app → API permissions and select 'Grant admin consent'",
  ],
  [
    AADSTS.invalidScope.code,
    "the scope is not valid. Set target.scope to scopes like 'openid profile' or to '<resource>/.default' (e.g. https://graph.microsoft.com/.default)",
  ],
  [
    AADSTS.missingParameter.code,
    'the token request lacks a required field. ptaload always sends client_id, scope, username, password and grant_type, so something between here and Entra (a proxy or TLS inspection) is changing request bodies: let the authority host through untouched',
  ],
  [
    AADSTS.missingParameterLegacy.code,
    'the token request lacks a required field. ptaload always sends client_id, scope, username, password and grant_type, so something between here and Entra (a proxy or TLS inspection) is changing request bodies: let the authority host through untouched',
  ],
  [
    AADSTS.unsupportedGrant.code,
    "the endpoint refused the password grant (ROPC). Use a work-or-school tenant's v2.0 endpoint (tenant GUID or domain, not 'consumers'); personal Microsoft accounts cannot use ROPC",
  ],
  [
    AADSTS.genericTenant.code,
    "the password grant is refused on /common and /consumers. Set target.tenant to the tenant GUID or a verified domain (or 'organizations')",
  ],
  [
    AADSTS.postOnly.code,
    'something sent the token request as a GET: ptaload always POSTs, so a proxy or redirect between here and Entra is rewriting requests; let the authority host through untouched',
  ],
  [
    AADSTS.wrongSecret.code,
    'the client secret is wrong. Put the secret\'s value (not its "Secret ID") from App registrations → your app → Certificates & secrets into the environment variable named by target.clientSecretEnv',
  ],
  [
    AADSTS.expiredSecret.code,
    'the client secret has expired. Create a new one under App registrations → your app → Certificates & secrets and put it into the environment variable named by target.clientSecretEnv',
  ],
  [
    AADSTS.publicClientWithSecret.code,
    'the app is a public client, yet a client secret was sent. Remove target.clientSecretEnv from the profile (or empty that variable)',
  ],
  [
    AADSTS.resourceNotFound.code,
    'the resource named in the scope is not in this tenant. Fix target.scope (e.g. https://graph.microsoft.com/.default) or add the API to the tenant',
  ],
  [
    AADSTS.tenantUnknown.code,
    "Entra could not tell which tenant to use. Give target.tenant as the tenant GUID or a verified domain rather than 'common' or 'organizations'",
  ],
]);

/**
 * Which outcome class each AADSTS code falls in (pta-facts.md). Codes not listed land in `other` with the
 * code kept, except the PTA range 80000–80099, which is always the agent path failing (`pta_error`).
 *
 * 80012 (sign-in outside the logon hours AD allows the user) is filed under `disabled`: the agent and AD
 * worked and gave a correct, policy-driven "not now" about the account, like a disabled account; it is not
 * a PTA failure (it must not trip PTA-failure breakers) nor a wrong password (it must not count towards
 * the wrong-password pacing). 80004 (the UPN sent does not match the on-prem one) is the user's error, not
 * the agent's, so it sits with `user_not_found`. The code itself is always counted verbatim.
 */
const OUTCOME_OF_CODE: ReadonlyMap<number, Outcome> = new Map<number, Outcome>([
  [AADSTS.invalidPassword.code, 'invalid_credentials'],
  [AADSTS.userNotFound.code, 'user_not_found'],
  [AADSTS.ptaWrongUpn.code, 'user_not_found'],
  [AADSTS.locked.code, 'locked'],
  [AADSTS.disabled.code, 'disabled'],
  [AADSTS.ptaLogonHours.code, 'disabled'],
  [AADSTS.passwordExpired.code, 'password_expired'],
  [AADSTS.onPremPasswordExpired.code, 'password_expired'],
  ...MFA_CODES.map((e) => [e.code, 'mfa_required'] as [number, Outcome]),
  ...CA_CODES.map((e) => [e.code, 'ca_blocked'] as [number, Outcome]),
  [AADSTS.ptaUnavailable.code, 'pta_unavailable'],
  [AADSTS.ptaTimeout.code, 'pta_timeout'],
  [AADSTS.ptaMaxElapsed.code, 'pta_timeout'],
  [AADSTS.ptaInvalidResponse.code, 'pta_error'],
  [AADSTS.ptaUnknown.code, 'pta_error'],
  [AADSTS.ptaAdError.code, 'pta_error'],
  [AADSTS.ptaDecrypt.code, 'pta_error'],
  [AADSTS.ptaNoKey.code, 'pta_error'],
  [AADSTS.ptaTimeSkew.code, 'pta_error'],
  ...THROTTLE_CODES.map((code) => [code, 'throttled'] as [number, Outcome]),
  ...[...EXPLANATIONS.keys()].map((code) => [code, 'config_error'] as [number, Outcome]),
]);

export function outcomeOfCode(code: number): Outcome | undefined {
  const known = OUTCOME_OF_CODE.get(code);
  if (known !== undefined) return known;
  if (code >= 80000 && code <= 80099) return 'pta_error';
  return undefined;
}

/** OAuth2 `error` values that mean the request or the app registration is wrong, whatever the code. */
export const CONFIG_OAUTH_ERRORS: ReadonlySet<string> = new Set([
  'unsupported_grant_type',
  'invalid_client',
  'unauthorized_client',
  'invalid_scope',
  'invalid_request',
]);

const OAUTH_EXPLANATIONS: ReadonlyMap<string, string> = new Map([
  ['unsupported_grant_type', EXPLANATIONS.get(AADSTS.unsupportedGrant.code)!],
  [
    'invalid_client',
    'the client was refused: check target.clientId, and for a confidential client the secret in the environment variable named by target.clientSecretEnv',
  ],
  [
    'unauthorized_client',
    'this client may not use the password grant in this tenant: check target.clientId, target.tenant and that public client flows are allowed on the app registration',
  ],
  ['invalid_scope', EXPLANATIONS.get(AADSTS.invalidScope.code)!],
  [
    'invalid_request',
    'Entra found the token request malformed: if a proxy or TLS inspection sits between here and Entra, let the authority host through untouched',
  ],
]);

/**
 * What an administrator should do about a configuration error, as one sentence starting with the
 * cause. Takes the AADSTS code, the OAuth2 `error` value when the reply had no code, or the classified
 * reply itself.
 */
export function explainConfigError(codeOrReply: number | string | Classified): string {
  const code =
    typeof codeOrReply === 'object'
      ? (codeOrReply.code ?? codeOrReply.detail ?? 'invalid_request')
      : codeOrReply;
  const known = typeof code === 'number' ? EXPLANATIONS.get(code) : OAUTH_EXPLANATIONS.get(code);
  const label = typeof code === 'number' ? `AADSTS${code}` : code;
  if (known !== undefined) return `${label}: ${known}.`;
  const lookup =
    typeof code === 'number'
      ? ` (Microsoft's text: https://login.microsoftonline.com/error?code=${code})`
      : '';
  return `${label}: Entra refused the request as misconfigured${lookup}; check target.tenant, target.clientId, target.scope and the app registration.`;
}
