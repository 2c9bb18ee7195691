const GRAPH = 'https://graph.microsoft.com';
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const OIDC = new Set(['openid', 'profile', 'email', 'offline_access']);
/** Delegated permission names like User.Read or Directory.Read.All. */
const PERMISSION = /^[A-Za-z]+(\.[A-Za-z]+)+$/;

/** What a valid scope parameter grants: the token's audience, its `scp`, and which tokens come back. */
export interface ScopeGrant {
  readonly valid: true;
  /** `scope` in the reply. */
  readonly scope: string;
  readonly audience: string;
  /** `scp` claim of the access token. */
  readonly scp: string;
  readonly idToken: boolean;
  readonly refreshToken: boolean;
}

export type ScopeCheck = ScopeGrant | { readonly valid: false; readonly offending: string };

interface Resource {
  readonly audience: string;
  readonly scope: string;
  /** How the reply's `scope` names it. */
  readonly shown: string;
  readonly scp: string;
  readonly isDefault: boolean;
}

/**
 * Validates a v2.0 `scope` the way Entra does for a public client: OpenID scopes plus scopes of one
 * resource (Microsoft Graph, or the app itself through `<clientId>/.default` / `api://<clientId>/…`);
 * `.default` cannot be mixed with named permissions of the same resource. OpenID scopes alone yield a
 * Graph token with User.Read, as Entra does. Results are cached: a run uses very few scope strings.
 */
export class ScopeValidator {
  private readonly cache = new Map<string, ScopeCheck>();

  constructor(private readonly clientId: string) {}

  check(raw: string): ScopeCheck {
    let result = this.cache.get(raw);
    if (result === undefined) {
      result = this.evaluate(raw);
      if (this.cache.size > 256) this.cache.clear();
      this.cache.set(raw, result);
    }
    return result;
  }

  private evaluate(raw: string): ScopeCheck {
    const oidc: string[] = [];
    const resources: Resource[] = [];
    for (const token of raw.split(/\s+/)) {
      if (token === '') continue;
      const lower = token.toLowerCase();
      if (OIDC.has(lower)) {
        if (!oidc.includes(lower)) oidc.push(lower);
        continue;
      }
      const resource = this.resource(token);
      if (resource === undefined) return { valid: false, offending: token };
      resources.push(resource);
    }
    const first = resources[0];
    if (first !== undefined) {
      for (const r of resources) {
        const mixesDefault = r.isDefault !== first.isDefault || (r.isDefault && resources.length > 1);
        if (r.audience !== first.audience || mixesDefault) return { valid: false, offending: r.scope };
      }
    }
    // Entra's reply names Graph permissions by their short names and adds `email` whenever `openid` is asked.
    const granted = first === undefined ? ['User.Read'] : resources.map((r) => r.shown);
    const scp = first === undefined ? 'User.Read' : resources.map((r) => r.scp).join(' ');
    const shownOidc = oidc.filter((s) => s !== 'offline_access');
    if (oidc.includes('openid') && !shownOidc.includes('email')) shownOidc.push('email');
    return {
      valid: true,
      scope: [...granted, ...shownOidc].join(' '),
      audience: first?.audience ?? GRAPH,
      scp: [scp, ...oidc.filter((s) => s !== 'offline_access')].join(' '),
      idToken: oidc.includes('openid'),
      refreshToken: oidc.includes('offline_access'),
    };
  }

  private resource(token: string): Resource | undefined {
    const slash = token.lastIndexOf('/');
    const prefix = slash < 0 ? '' : token.slice(0, slash).toLowerCase();
    const name = slash < 0 ? token : token.slice(slash + 1);
    const isDefault = name === '.default';
    if (prefix === '' || prefix === GRAPH || prefix === `${GRAPH}/` || prefix === GRAPH_APP_ID) {
      if (!isDefault && !PERMISSION.test(name)) return undefined;
      if (prefix === '' && isDefault) return undefined;
      const scp = isDefault ? 'User.Read' : name;
      return { audience: GRAPH, scope: `${GRAPH}/${name}`, shown: scp, scp, isDefault };
    }
    const app = this.clientId.toLowerCase();
    if (prefix === app || prefix === `api://${app}`) {
      if (!isDefault && !/^[A-Za-z0-9._-]+$/.test(name)) return undefined;
      const scope = `${prefix === app ? this.clientId : `api://${this.clientId}`}/${name}`;
      return {
        audience: this.clientId,
        scope,
        shown: scope,
        scp: isDefault ? 'access_as_user' : name,
        isDefault,
      };
    }
    return undefined;
  }
}
