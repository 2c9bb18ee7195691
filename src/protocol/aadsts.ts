/**
 * The AADSTS codes both sides know (pta-facts.md): the OAuth2 `error`, HTTP status and Entra-like text
 * each comes with. The simulator sends them; the harness's code map (transport/aadsts-outcomes.ts) files
 * each under an outcome class. Unknown codes met in the wild are kept verbatim by the classifier.
 */

export interface AadstsCode {
  readonly code: number;
  /** OAuth2 `error` value Entra sends with this code. */
  readonly error: string;
  readonly status: number;
  /** Entra-like text that follows `AADSTSnnnnn: ` (`{name}` placeholders are filled per reply). */
  readonly message: string;
}

const c = (code: number, error: string, status: number, message: string): AadstsCode => ({
  code,
  error,
  status,
  message,
});

const MFA_TEXT =
  'Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.';
const CA_TEXT =
  'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.';

export const AADSTS = {
  // The user and the directory.
  invalidPassword: c(
    50126,
    'invalid_grant',
    400,
    'Error validating credentials due to invalid username or password.',
  ),
  // Entra now hides the UPN: `{EmailHidden}` is literal text, not a placeholder we fill.
  userNotFound: c(
    50034,
    'invalid_grant',
    400,
    'The user account {EmailHidden} does not exist in the {tenant} directory. To sign into this application, the account must be added to the directory.',
  ),
  // Smart lockout, an on-prem AD lockout reported through the agent, or an IP blocked for malicious activity.
  locked: c(
    50053,
    'invalid_grant',
    400,
    "The account is locked, you've tried to sign in too many times with an incorrect user ID or password.",
  ),
  passwordExpired: c(50055, 'invalid_grant', 400, 'The password is expired.'),
  onPremPasswordExpired: c(50144, 'invalid_grant', 400, "The user's Active Directory password has expired."),
  disabled: c(50057, 'invalid_grant', 400, 'The user account is disabled.'),
  mfaRequired: c(50076, 'invalid_grant', 400, MFA_TEXT),
  mfaRegistration: c(
    50079,
    'invalid_grant',
    400,
    'Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access the resource.',
  ),
  mfaEnrolment: c(50072, 'invalid_grant', 400, 'User needs to enroll for second factor authentication.'),
  strongAuthRequired: c(50074, 'invalid_grant', 400, 'Strong Authentication is required.'),
  mfaPresentation: c(50078, 'invalid_grant', 400, MFA_TEXT),
  externalChallenge: c(50158, 'invalid_grant', 400, 'External security challenge not satisfied.'),
  caBlocked: c(53003, 'invalid_grant', 400, CA_TEXT),
  caDeviceNotCompliant: c(53000, 'invalid_grant', 400, 'Device is not in required device state: compliant.'),
  caDeviceNotJoined: c(53001, 'invalid_grant', 400, 'Device is not in required device state: domain_joined.'),
  caAppNotApproved: c(53002, 'invalid_grant', 400, 'Application used is not an approved application.'),
  caProofUp: c(53004, 'invalid_grant', 400, 'Proof up of multi-factor authentication is blocked.'),
  caRiskBlocked: c(530032, 'invalid_grant', 400, 'User blocked due to risk on home tenant.'),
  securityDefaults: c(
    530035,
    'invalid_grant',
    400,
    'Access has been blocked by security defaults. This is due to the request using legacy auth or being deemed unsafe by security defaults policies.',
  ),

  // The PTA agent path.
  ptaUnavailable: c(
    80001,
    'invalid_grant',
    400,
    'Unable to connect to the Active Directory. Ensure that agent servers are members of the same AD forest as the users whose passwords need to be validated and they are able to connect to Active Directory.',
  ),
  ptaTimeout: c(80002, 'invalid_grant', 400, 'Internal error. Password validation request timed out.'),
  ptaInvalidResponse: c(80003, 'invalid_grant', 400, 'Invalid response received by Authentication Agent.'),
  ptaWrongUpn: c(80004, 'invalid_grant', 400, 'Incorrect user principal name (UPN) used in sign-in request.'),
  ptaUnknown: c(80005, 'invalid_grant', 400, 'Verification encountered unpredictable WebException.'),
  ptaAdError: c(80007, 'invalid_grant', 400, 'An error occurred communicating with Active Directory.'),
  ptaDecrypt: c(80010, 'invalid_grant', 400, 'The on-premises agent was unable to decrypt the password.'),
  ptaNoKey: c(
    80011,
    'invalid_grant',
    400,
    'The Authentication Agent is unable to retrieve the decryption key.',
  ),
  ptaLogonHours: c(
    80012,
    'invalid_grant',
    400,
    'The users attempted to log on outside of the allowed hours (this is specified in AD).',
  ),
  ptaTimeSkew: c(
    80013,
    'invalid_grant',
    400,
    'The authentication attempt could not be completed due to time skew between the machine running the authentication agent and AD.',
  ),
  ptaMaxElapsed: c(
    80014,
    'invalid_grant',
    400,
    'Validation request responded after maximum elapsed time exceeded.',
  ),

  // Throttling: user flows (ROPC included) get 400 invalid_grant, not 429.
  requestLoop: c(
    50196,
    'invalid_grant',
    400,
    'The server terminated an operation because it encountered a client request loop. Please contact your app vendor.',
  ),
  tenantThrottled: c(
    90055,
    'temporarily_unavailable',
    400,
    'There are too many incoming requests for this tenant. Please try again later.',
  ),
  budgetExceeded: c(
    90024,
    'temporarily_unavailable',
    400,
    'A transient error has occurred: the request budget was exceeded. Try again.',
  ),

  // The request and the app registration.
  publicClientNotAllowed: c(
    7000218,
    'invalid_client',
    401,
    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  ),
  publicClientWithSecret: c(
    700025,
    'invalid_client',
    401,
    "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
  ),
  wrongSecret: c(
    7000215,
    'invalid_client',
    401,
    "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{clientId}'.",
  ),
  expiredSecret: c(
    7000222,
    'invalid_client',
    401,
    "The provided client secret keys for app '{clientId}' are expired. Visit the Azure portal to create new keys for your app, or consider using certificate credentials for added security.",
  ),
  appNotFound: c(
    700016,
    'unauthorized_client',
    400,
    "Application with identifier '{clientId}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.",
  ),
  tenantNotFound: c(
    90002,
    'invalid_request',
    400,
    "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.",
  ),
  consentRequired: c(
    65001,
    'invalid_grant',
    400,
    "The user or administrator has not consented to use the application with ID '{clientId}'. Send an interactive authorization request for this user and resource.",
  ),
  invalidScope: c(
    70011,
    'invalid_scope',
    400,
    "The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid.",
  ),
  missingParameter: c(
    900144,
    'invalid_request',
    400,
    "The request body must contain the following parameter: '{parameter}'.",
  ),
  missingParameterLegacy: c(
    90014,
    'invalid_request',
    400,
    "The required field '{parameter}' is missing from the credential.",
  ),
  unsupportedGrant: c(70003, 'unsupported_grant_type', 400, 'The app requested an unsupported grant type.'),
  genericTenant: c(
    9001023,
    'invalid_request',
    400,
    'The grant type is not supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.',
  ),
  postOnly: c(
    900561,
    'invalid_request',
    400,
    'The endpoint only accepts POST, OPTIONS requests. Received a {method} request.',
  ),
  resourceNotFound: c(
    500011,
    'invalid_resource',
    400,
    'The resource principal named {resource} was not found in the tenant named {tenant}.',
  ),
  tenantUnknown: c(
    50059,
    'invalid_request',
    400,
    'No tenant-identifying information found in either the request or implied by any provided credentials.',
  ),
} as const satisfies Record<string, AadstsCode>;

/** Lookup by numeric code. */
export const AADSTS_BY_CODE: ReadonlyMap<number, AadstsCode> = new Map(
  Object.values(AADSTS).map((e) => [e.code, e]),
);

/** The codes Entra answers when the password was right but the account must do more: MFA in its forms. */
export const MFA_CODES: readonly AadstsCode[] = [
  AADSTS.mfaRequired,
  AADSTS.mfaRegistration,
  AADSTS.mfaEnrolment,
  AADSTS.strongAuthRequired,
  AADSTS.mfaPresentation,
  AADSTS.externalChallenge,
];

/** The codes of Conditional Access (and security defaults) refusing a sign-in whose password was right. */
export const CA_CODES: readonly AadstsCode[] = [
  AADSTS.caBlocked,
  AADSTS.caDeviceNotCompliant,
  AADSTS.caDeviceNotJoined,
  AADSTS.caAppNotApproved,
  AADSTS.caProofUp,
  AADSTS.caRiskBlocked,
  AADSTS.securityDefaults,
];
