/**
 * The wire protocol shared by the harness and the simulated tenant: the v2.0 token request and reply,
 * and the AADSTS codes (see pta-facts.md). The simulator imports nothing else of the harness.
 */

/** Response header in which the simulator names the agent that validated the password. Real tenants never send it. */
export const AGENT_HEADER = 'x-ptaload-agent';

export interface TokenErrorBody {
  readonly error: string;
  /** `AADSTSnnnnn: message\r\nTrace ID: …\r\nCorrelation ID: …\r\nTimestamp: …` */
  readonly error_description: string;
  readonly error_codes: readonly number[];
  readonly timestamp: string;
  readonly trace_id: string;
  readonly correlation_id: string;
  readonly error_uri: string;
}

export interface AadstsCode {
  readonly code: number;
  /** OAuth2 `error` value Entra sends with this code. */
  readonly error: string;
  readonly status: number;
  /** Entra-like text that follows `AADSTSnnnnn: `. */
  readonly message: string;
}

const c = (code: number, error: string, status: number, message: string): AadstsCode => ({
  code,
  error,
  status,
  message,
});

/** Codes both sides understand. Unknown codes met in the wild are kept verbatim by the classifier. */
export const AADSTS = {
  invalidPassword: c(
    50126,
    'invalid_grant',
    400,
    'Error validating credentials due to invalid username or password.',
  ),
  userNotFound: c(
    50034,
    'invalid_grant',
    400,
    'The user account {identifier} does not exist in the {tenant} directory. To sign into this application, the account must be added to the directory.',
  ),
  locked: c(
    50053,
    'invalid_grant',
    400,
    'Your account is locked because you tried to sign in too many times with an incorrect user ID or password.',
  ),
  passwordExpired: c(50055, 'invalid_grant', 400, 'The password is expired.'),
  disabled: c(50057, 'invalid_grant', 400, 'The user account is disabled.'),
  mfaRequired: c(
    50076,
    'invalid_grant',
    400,
    'Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.',
  ),
  mfaRegistration: c(
    50079,
    'invalid_grant',
    400,
    'Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access the resource.',
  ),
  caBlocked: c(
    53003,
    'invalid_grant',
    400,
    'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
  ),
  ptaUnavailable: c(
    80001,
    'invalid_grant',
    400,
    'Unable to connect to the Active Directory. Ensure that agent servers are members of the same AD forest as the users whose passwords need to be validated and they are able to connect to Active Directory.',
  ),
  ptaTimeout: c(80002, 'invalid_grant', 400, 'Internal error. Password validation request timed out.'),
  ptaUnknown: c(80005, 'invalid_grant', 400, 'Verification encountered unpredictable WebException.'),
  ptaAdError: c(80007, 'invalid_grant', 400, 'An error occurred communicating with Active Directory.'),
  ptaDecrypt: c(80010, 'invalid_grant', 400, 'The on-premises agent was unable to decrypt the password.'),
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
  publicClientNotAllowed: c(
    7000218,
    'invalid_client',
    401,
    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
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
} as const satisfies Record<string, AadstsCode>;
