import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const TENANT = 'contoso.onmicrosoft.com';
const PASSWORD = 'Very-Secret-Pw-1!';
const CLIENT_SECRET = 'cs~not-to-be-seen-0123456789';

/** A real-tenant profile with its users file and a client secret in the environment, as a user has them. */
async function entraProfile(): Promise<{ dir: string; profile: string }> {
  const dir = await tempDir();
  await writeFile(
    join(dir, 'users.csv'),
    `username,password\nu1@${TENANT},${PASSWORD}\nu2@${TENANT},${PASSWORD}\n`,
  );
  const profile = join(dir, 'storm.yaml');
  await writeFile(
    profile,
    `name: storm
target:
  kind: entra
  tenant: ${TENANT}
  clientId: 2c8ef0a2-1f87-4a57-9f1c-6b5a0d2c41aa
  clientSecretEnv: PTALOAD_TEST_SECRET
users: { file: users.csv }
load:
  phases:
    - { duration: 60s, shape: constant, rate: 16/s }
`,
  );
  return { dir, profile };
}

/** The Kubernetes API's own schemas (kubernetes-models, generated from Kubernetes' OpenAPI spec), by kind. */
function validate(doc: Record<string, unknown>): void {
  const kind = doc.kind;
  const model =
    kind === 'Job' ? new Job(doc as never) : kind === 'ConfigMap' ? new ConfigMap(doc as never) : null;
  assert.ok(model, `a kind the test knows: ${String(kind)}`);
  model.validate();
  assert.equal(model.apiVersion, doc.apiVersion, 'apiVersion matches the kind');
}

type Obj = Record<string, any>;

for (const shards of [1, 4, 40]) {
  test(`ptaload kube renders valid manifests for ${shards} shard(s), with no password or secret in them`, async () => {
    const { profile } = await entraProfile();
    const res = await runCli(
      [
        'kube',
        profile,
        '--shards',
        String(shards),
        '--image',
        'registry.example/ptaload:0.2',
        '--namespace',
        'load',
        '--results-claim',
        'ptaload-results',
        '--run-id',
        'storm-1',
        '--metrics-port',
        '9464',
        '--',
        '--confirm-tenant',
        TENANT,
      ],
      { env: { PTALOAD_TEST_SECRET: CLIENT_SECRET } },
    );
    assert.equal(res.code, 0, res.stderr);
    for (const secret of [PASSWORD, CLIENT_SECRET]) {
      assert.ok(
        !res.stdout.includes(secret) && !res.stderr.includes(secret),
        'no secret value in the output',
      );
    }
    const docs = parseAllDocuments(res.stdout).map((d) => d.toJS() as Obj);
    assert.deepEqual(
      docs.map((d) => d.kind),
      ['ConfigMap', 'Job', 'Job'],
    );
    for (const d of docs) {
      validate(d);
      assert.equal(d.metadata.namespace, 'load');
    }
    const [config, job, merge] = docs as [Obj, Obj, Obj];
    assert.ok(
      Object.values(config.data as Record<string, string>).every((v) => !v.includes('username,password')),
      'the users CSV is not in the ConfigMap',
    );

    assert.equal(job.spec.completionMode, 'Indexed');
    assert.equal(job.spec.completions, shards);
    assert.equal(job.spec.parallelism, shards);
    const pod = job.spec.template.spec as Obj;
    const c = pod.containers[0] as Obj;
    assert.equal(c.image, 'registry.example/ptaload:0.2');
    const arg = (flag: string) => c.args[c.args.indexOf(flag) + 1] as string;
    assert.equal(arg('--shard'), `$(JOB_COMPLETION_INDEX)/${shards}`);
    assert.equal(arg('--run-id'), 'storm-1');
    assert.equal(arg('--confirm-tenant'), TENANT, 'run flags after -- reach every shard');
    assert.ok(
      c.env.some((e: Obj) => e.name === 'JOB_COMPLETION_INDEX' && e.valueFrom.fieldRef),
      'the index is declared for $(…) expansion',
    );
    const secretEnv = c.env.find((e: Obj) => e.name === 'PTALOAD_TEST_SECRET');
    assert.deepEqual(secretEnv.valueFrom.secretKeyRef, {
      name: 'ptaload-storm-1-secrets',
      key: 'client-secret',
    });
    const sources = pod.volumes.find((v: Obj) => v.name === 'profile').projected.sources as Obj[];
    assert.deepEqual(
      sources.find((s) => s.secret)!.secret.items,
      [{ key: 'users.csv', path: 'users.csv' }],
      'the users CSV comes from the Secret, beside the profile',
    );
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.ok(pod.affinity.podAntiAffinity, 'shards spread over nodes');
    assert.equal(job.spec.template.metadata.annotations['prometheus.io/port'], '9464');
    assert.ok(c.resources.requests.cpu && c.resources.requests.memory, 'resource requests');

    assert.equal(merge.spec.suspend, true, 'the merge waits to be released');
    const mergeArgs = merge.spec.template.spec.containers[0].args as string[];
    assert.equal(mergeArgs.filter((a) => a.includes('/shard-')).length, shards, 'merges every shard');
    assert.match(
      res.stderr,
      /kubectl -n load create secret generic ptaload-storm-1-secrets --from-file=users\.csv=/,
    );
  });
}

test('ptaload kube refuses a users file outside the profile folder, and bad flags, with exit 2', async () => {
  const { dir, profile } = await entraProfile();
  await mkdir(join(dir, 'nested'));
  const outside = join(dir, 'nested', 'outside.yaml');
  await writeFile(
    outside,
    (await readFile(profile, 'utf8')).replace('file: users.csv', 'file: ../users.csv'),
  );
  const res = await runCli(['kube', outside, '--shards', '2', '--image', 'i']);
  assert.equal(res.code, 2, res.stderr);
  assert.match(res.stderr, /users\.file: .* must be a path inside the profile's folder/);
  const bad = await runCli(['kube', profile, '--shards', '0', '--image', 'i']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--shards takes a whole number/);
});

test('ptaload kube sizes the pods for a --rate and --duration passed on to run, not for the profile as written', async () => {
  const { profile } = await entraProfile();
  const render = async (runArgs: string[]) => {
    const res = await runCli(
      [
        'kube',
        profile,
        '--shards',
        '2',
        '--image',
        'ptaload:dev',
        '--',
        '--confirm-tenant',
        TENANT,
        ...runArgs,
      ],
      { env: { PTALOAD_TEST_SECRET: CLIENT_SECRET } },
    );
    assert.equal(res.code, 0, res.stderr);
    const job = parseAllDocuments(res.stdout).map((d) => d.toJS() as Obj)[1]!;
    return {
      cpu: job.spec.template.spec.containers[0].resources.requests.cpu as string,
      deadline: job.spec.activeDeadlineSeconds as number,
      stderr: res.stderr,
    };
  };
  const millicores = (cpu: string) => (cpu.endsWith('m') ? Number(cpu.slice(0, -1)) : Number(cpu) * 1000);
  const asWritten = await render([]);
  const scaled = await render(['--rate', '8000/s', '--duration=20m', '--max-rate', '8000/s']);
  assert.ok(
    millicores(scaled.cpu) > millicores(asWritten.cpu),
    `${scaled.cpu} > ${asWritten.cpu} for 8000/s`,
  );
  assert.equal(scaled.deadline - asWritten.deadline, 20 * 60 - 60, 'the deadline follows --duration');
  assert.match(scaled.stderr, /8000\/s peak over 2 shards = 4000\/s each/);
  assert.match(asWritten.stderr, /16\/s peak over 2 shards/);
  const bad = await runCli(['kube', profile, '--shards', '2', '--image', 'x', '--', '--rate', 'lots']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--rate/);
});

test("a sim target's confidential app gets its secret's variable in every pod, as an entra one does", async () => {
  const dir = await tempDir();
  const profile = join(dir, 'sim-secret.yaml');
  await writeFile(
    profile,
    'name: sim-secret\ntarget: { kind: sim, clientSecretEnv: SIM_APP_SECRET }\nusers: { generate: 100 }\nload: { phases: [{ duration: 10s, shape: constant, rate: 20/s }] }\n',
  );
  const res = await runCli(['kube', profile, '--shards', '2', '--image', 'ptaload:x', '--run-id', 'sim-1']);
  assert.equal(res.code, 0, res.stderr);
  const job = parseAllDocuments(res.stdout)
    .map((d) => d.toJS() as Obj)
    .find((d) => d.kind === 'Job' && d.spec.completionMode === 'Indexed')!;
  const env = job.spec.template.spec.containers[0].env as Obj[];
  assert.deepEqual(env.find((e) => e.name === 'SIM_APP_SECRET')?.valueFrom.secretKeyRef, {
    name: 'ptaload-sim-1-secrets',
    key: 'client-secret',
  });
});
