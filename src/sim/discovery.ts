/** Inputs of the discovery documents: where the sim lives and who the tenant is. */
export interface DiscoveryContext {
  /** `http(s)://host:port` of the sim. */
  readonly base: string;
  readonly tenant: string;
  readonly domain: string;
}

/**
 * `GET /{tenant}/v2.0/.well-known/openid-configuration`, shaped like Entra's: every endpoint points at
 * the sim, and the issuer carries the tenant GUID (for `common`/`organizations`, Entra's `{tenantid}`
 * placeholder).
 */
export function openIdConfiguration(ctx: DiscoveryContext, segment: string): Record<string, unknown> {
  const generic = segment === 'common' || segment === 'organizations';
  const tid = generic ? '{tenantid}' : ctx.tenant;
  const at = `${ctx.base}/${generic ? segment : ctx.tenant}`;
  return {
    token_endpoint: `${at}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${at}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${ctx.base}/${tid}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
    authorization_endpoint: `${at}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${at}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${at}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'cloud_instance_name',
      'cloud_instance_host_name',
      'cloud_graph_host_name',
      'msgraph_host',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'at_hash',
      'c_hash',
      'email',
    ],
    kerberos_endpoint: `${at}/kerberos`,
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

/** `GET /common/discovery/instance`: the sim's host is the only alias of its cloud. */
export function instanceDiscovery(ctx: DiscoveryContext, authorizationEndpoint: string | null): object {
  const host = new URL(ctx.base).host;
  let tenant = 'common';
  if (authorizationEndpoint) {
    try {
      tenant = new URL(authorizationEndpoint).pathname.split('/')[1] || 'common';
    } catch {
      // a malformed authorization_endpoint still gets the generic document
    }
  }
  return {
    tenant_discovery_endpoint: `${ctx.base}/${tenant}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  };
}

/** `GET /getuserrealm.srf?login=…&json=1`: Managed (PTA needs it) for verified domains, else Unknown. */
export function userRealm(
  login: string,
  isVerified: (domain: string) => boolean,
  domainName: string,
): object {
  const at = login.lastIndexOf('@');
  const domain = at >= 0 ? login.slice(at + 1) : '';
  if (domain === '' || !isVerified(domain)) {
    return { State: 4, UserState: 1, Login: login, NameSpaceType: 'Unknown' };
  }
  return {
    State: 4,
    UserState: 1,
    Login: login,
    NameSpaceType: 'Managed',
    DomainName: domain.toLowerCase(),
    FederationBrandName: brand(domainName),
    CloudInstanceName: 'microsoftonline.com',
    CloudInstanceIssuerUri: 'urn:federation:MicrosoftOnline',
  };
}

function brand(domain: string): string {
  const first = domain.split('.')[0] ?? domain;
  return first.charAt(0).toUpperCase() + first.slice(1);
}

/**
 * `GET /common/userrealm/{upn}?api-version=1.0`, which MSAL calls before a password grant to learn
 * whether the account is managed (password grant to Entra) or federated (WS-Trust to the IdP).
 */
export function userRealmV1(upn: string, isVerified: (domain: string) => boolean): object {
  const at = upn.lastIndexOf('@');
  const domain = at >= 0 ? upn.slice(at + 1).toLowerCase() : '';
  const cloud = {
    cloud_instance_name: 'microsoftonline.com',
    cloud_audience_urn: 'urn:federation:MicrosoftOnline',
  };
  if (domain === '' || !isVerified(domain)) return { ver: '1.0', account_type: 'Unknown', ...cloud };
  return { ver: '1.0', account_type: 'Managed', domain_name: domain, ...cloud };
}
