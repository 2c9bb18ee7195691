import { basename } from 'node:path';
import { TargetError } from '../../errors.js';
import type { Profile } from '../../profile/schema.js';
import { readUsersTable } from '../../users/csv-table.js';
import type { Target } from '../target.js';
import { parseAuthority } from './authority.js';
import { resolveConnection } from './connection.js';
import { firstHop } from './first-hop.js';
import type { EntraFlags } from './flags.js';
import { confirmRefusal, loadRefusals } from './interlocks.js';
import { checkHooks, HookTimeline } from './timeline.js';

/**
 * A real Entra ID test tenant behind its safety interlocks. Everything here happens before the first
 * request: the tenant confirmation (first, before even the users file is read), the rate cap, enough users
 * for per-user pacing, the hooks. Nothing is sent until every check has passed; the sign-ins themselves
 * are the workers'.
 */
export async function openEntraTarget(
  profile: Profile,
  opts: { profileDir: string; log: (line: string) => void; entra: EntraFlags },
): Promise<Target> {
  const t = profile.target;
  if (t.kind !== 'entra') throw new TypeError('openEntraTarget takes an entra profile');
  const flags = opts.entra;
  const authority = parseAuthority(t.authorityHost, 'target.authorityHost');
  const hop = firstHop(authority, process.env);
  const unconfirmed = confirmRefusal(t.tenant, hop, flags.confirmTenant);
  if (unconfirmed) throw new TargetError('TARGET_REFUSED', unconfirmed);

  const file = profile.users.file;
  if (file === undefined) {
    throw new TargetError(
      'TARGET_MISCONFIGURED',
      'the entra target needs users.file (or --users): a CSV of test accounts you created in the tenant.',
    );
  }
  const users = await readUsersTable(file);
  const refusals = loadRefusals({ target: t, profile, userCount: users.count, usersName: basename(file) });
  if (refusals.length > 0)
    throw new TargetError('TARGET_REFUSED', `refusing to start: ${refusals.join('\n')}`);
  checkHooks(profile.agents);

  const conn = await resolveConnection(t, hop, process.env, opts.log);
  const timeline = new HookTimeline(profile.agents, {
    env: process.env,
    withholdEnv: conn.secretEnv ? [conn.secretEnv] : [],
    redact: conn.clientSecret ? [conn.clientSecret] : [],
  });
  return {
    kind: 'entra',
    url: authority.url,
    tenant: t.tenant,
    request: {
      origin: conn.tokenUrl.origin,
      tokenPath: conn.tokenUrl.pathname,
      clientId: t.clientId,
      scope: t.scope,
      ...(conn.clientSecret ? { clientSecret: conn.clientSecret } : {}),
      ...(conn.ca ? { ca: conn.ca } : {}),
      ...(conn.proxy ? { proxy: { uri: conn.proxy.uri } } : {}),
    },
    users,
    agents: profile.agents.list,
    applyEvent: (event) => timeline.apply(event),
    stopReason: () => timeline.stopReason(),
    close: async () => {},
  };
}
