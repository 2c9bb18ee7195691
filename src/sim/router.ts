import type { IncomingMessage, ServerResponse } from 'node:http';
import { AADSTS } from '../protocol/aadsts.js';
import type { AdminApi } from './admin-api.js';
import {
  type DiscoveryContext,
  instanceDiscovery,
  openIdConfiguration,
  userRealm,
  userRealmV1,
} from './discovery.js';
import { errorBody, replyIds, type Stamp } from './entra-errors.js';
import { GraphSignInLogs } from './graph-signins.js';
import { sendJson } from './json-reply.js';
import type { TokenEndpoint } from './token-endpoint.js';
import type { UserDirectory } from './user-directory.js';

const TOKEN_SUFFIX = '/oauth2/v2.0/token';
const V1_TOKEN_SUFFIX = '/oauth2/token';
const USERREALM_PREFIX = '/common/userrealm/';
const OIDC_SUFFIX = '/v2.0/.well-known/openid-configuration';
const KEYS_SUFFIX = '/discovery/v2.0/keys';

export interface Routes {
  readonly endpoint: TokenEndpoint;
  readonly admin: AdminApi;
  readonly discovery: DiscoveryContext;
  readonly users: UserDirectory;
  readonly stamp: Stamp;
  readonly graph: GraphSignInLogs;
}

/** The sim's URL space: the token endpoint first (the hot path), then admin, then discovery. */
export function route(r: Routes): (req: IncomingMessage, res: ServerResponse) => void {
  const { endpoint, admin, discovery, users, stamp, graph } = r;
  const known = (s: string) =>
    s === discovery.tenant || s === 'common' || s === 'organizations' || users.isVerifiedDomain(s);
  return (req, res) => {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    const api = path.endsWith(TOKEN_SUFFIX) ? 'v2' : path.endsWith(V1_TOKEN_SUFFIX) ? 'v1' : undefined;
    if (api !== undefined) {
      const segment = path.slice(1, path.length - (api === 'v2' ? TOKEN_SUFFIX : V1_TOKEN_SUFFIX).length);
      if (segment !== '' && !segment.includes('/')) {
        if (req.method === 'POST') return endpoint.handle(req, res, safeDecode(segment), api);
        return endpoint.refuseMethod(req, res);
      }
    }
    const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
    if (path.startsWith('/_sim/')) return admin.handle(req, res, path, query);
    if (GraphSignInLogs.serves(path)) return graph.handle(req, res, path, query);
    req.resume();
    if (req.method !== 'GET') {
      return sendJson(res, 405, {
        error: 'invalid_request',
        message: 'the token endpoints take POST; other endpoints take GET',
      });
    }
    if (path.startsWith(USERREALM_PREFIX)) {
      const upn = safeDecode(path.slice(USERREALM_PREFIX.length));
      return sendJson(
        res,
        200,
        userRealmV1(upn, (d) => users.isVerifiedDomain(d)),
      );
    }
    if (path === '/common/discovery/instance') {
      return sendJson(res, 200, instanceDiscovery(discovery, query.get('authorization_endpoint')));
    }
    if (path.toLowerCase() === '/getuserrealm.srf') {
      const login = query.get('login') ?? '';
      return sendJson(
        res,
        200,
        userRealm(login, (d) => users.isVerifiedDomain(d), discovery.domain),
      );
    }
    if (path.endsWith(OIDC_SUFFIX) || path.endsWith(KEYS_SUFFIX)) {
      const segment = safeDecode(path.split('/')[1] ?? '');
      const s = segment.toLowerCase();
      if (!known(s)) {
        const body = errorBody(AADSTS.tenantNotFound, { tenant: segment }, replyIds(undefined), stamp.now());
        return sendJson(res, 400, { ...body, error: 'invalid_tenant' });
      }
      return sendJson(
        res,
        200,
        path.endsWith(KEYS_SUFFIX) ? { keys: [] } : openIdConfiguration(discovery, s),
      );
    }
    sendJson(res, 404, { error: 'not_found', message: `the simulated tenant has no endpoint ${path}` });
  };
}

function safeDecode(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
