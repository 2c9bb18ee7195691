import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after } from 'node:test';
import type { TestUser } from '../../src/protocol/test-user.js';
import { type SimHandle, type SimOptions, startSim } from '../../src/sim/server.js';
import { writeUsersCsv } from '../../src/users/csv.js';
import { generateUsers } from '../../src/users/generate.js';
import { tempDir } from '../helpers/tmp.js';

export const TENANT = '8eaef023-2b34-4da1-9baa-8bc8c9d6a490';
export const CLIENT = '2c8ef0a2-1f87-4a57-9f1c-6b5a0d2c41aa';
export const OTHER_CLIENT = '11111111-2222-4333-8444-555555555555';

/**
 * The simulated tenant standing in for a real one: in this process, over TLS with its own CA, at a
 * custom https authority on 127.0.0.1. Test users in a CSV beside the profiles, as a user would keep them.
 */
export interface EntraFixture {
  readonly dir: string;
  readonly sim: SimHandle;
  readonly users: readonly TestUser[];
  /** Writes `<name>.yaml` into the fixture's folder and returns its path. */
  profile(name: string, opts?: ProfileOptions): Promise<string>;
}

export interface ProfileOptions {
  readonly rate?: string;
  readonly duration?: string;
  /** More lines under `target:` (two-space indented). */
  readonly target?: string;
  /** More top-level sections (e.g. `agents:`). */
  readonly extra?: string;
  readonly wrongPasswordShare?: string;
  readonly users?: string;
  readonly authority?: string;
  readonly clientId?: string;
  readonly arrivals?: 'uniform' | 'poisson';
}

export async function startEntraFixture(
  userCount: number,
  simOptions: SimOptions = {},
): Promise<EntraFixture> {
  const dir = await tempDir('ptaload-entra-');
  const users = generateUsers({ count: userCount, domain: 'contoso.test', seed: 11 });
  await writeUsersCsv(join(dir, 'users.csv'), users);
  const sim = await startSim({
    tls: true,
    caFile: join(dir, 'ca.pem'),
    users,
    tenant: TENANT,
    clientId: CLIENT,
    seed: 5,
    agents: [
      { name: 'agent-1', cores: 4 },
      { name: 'agent-2', cores: 4 },
    ],
    ...simOptions,
  });
  after(() => sim.close());
  return {
    dir,
    sim,
    users,
    async profile(name, o = {}) {
      const path = join(dir, `${name}.yaml`);
      await writeFile(
        path,
        `name: ${name}
target:
  kind: entra
  tenant: ${TENANT}
  clientId: ${o.clientId ?? CLIENT}
  authorityHost: ${o.authority ?? sim.url}
  ca: ./ca.pem
${o.target ?? ''}
users: { file: ${o.users ?? 'users.csv'}, wrongPasswordShare: ${o.wrongPasswordShare ?? '0'} }
${o.extra ?? ''}
load:
  workers: 1
  interval: 500ms
  arrivals: ${o.arrivals ?? 'uniform'}
  phases:
    - { duration: ${o.duration ?? '2s'}, shape: constant, rate: ${o.rate ?? '10/s'} }
`,
      );
      return path;
    },
  };
}

/** Every file under `dir`, as text. */
export async function allFiles(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.set(path, await readFile(path, 'utf8'));
  }
  return out;
}
