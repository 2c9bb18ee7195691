/** `ptaload kube`: prints the Kubernetes manifests of a sharded run (an Indexed Job), and what to create by hand. */
import { mkdir, readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { stringify } from 'yaml';
import { UsageError } from '../errors.js';
import { type KubePlan, kubeName, renderKube } from '../kube/manifests.js';
import { DEFAULT_CPU_PER_SIGN_IN_US, sizingWords } from '../kube/sizing.js';
import { loadProfile } from '../profile/load.js';
import { NAME_PATTERN, parseDurationMs } from '../profile/quantities.js';
import { writeFileAtomic } from '../results/atomic-write.js';
import { action } from './fail.js';
import { intInRange } from './flags.js';
import { type LoadOptionValues, parseLoadOptions } from './load-options.js';

interface KubeFlags {
  shards: number;
  image: string;
  namespace?: string;
  resultsClaim?: string;
  secret?: string;
  runId?: string;
  metricsPort?: number;
  cpuPerSignIn: number;
  spread: 'preferred' | 'required';
  out?: string;
}

export function register(program: Command): void {
  program
    .command('kube')
    .description(
      'Print Kubernetes manifests that run a profile as N shards of an Indexed Job, started together at a barrier, and a suspended Job that merges them.',
    )
    .argument('<profile>', 'profile file (YAML or JSON)')
    .argument(
      '[run-flags...]',
      "after --: flags for every shard's ptaload run (e.g. -- --confirm-tenant contoso.com)",
    )
    .requiredOption('--shards <n>', 'number of shards (pods)', intInRange('--shards', 1, 1000))
    .requiredOption('--image <image>', 'container image built from the Containerfile')
    .option('--namespace <ns>', 'namespace of every object')
    .option(
      '--results-claim <pvc>',
      'a ReadWriteMany PersistentVolumeClaim for results and the start barrier',
    )
    .option(
      '--secret <name>',
      'an existing Secret with users.csv (and client-secret) instead of <name>-secrets',
    )
    .option('--run-id <id>', 'the run id every shard shares (default <profile>-<UTC stamp>)')
    .option(
      '--metrics-port <port>',
      'serve live metrics on this port in each pod, annotated for Prometheus',
      intInRange('--metrics-port', 1, 65535),
    )
    .option(
      '--cpu-per-sign-in <duration>',
      `CPU per sign-in for the requests (default ${DEFAULT_CPU_PER_SIGN_IN_US}us)`,
      cpuFlag,
      DEFAULT_CPU_PER_SIGN_IN_US,
    )
    .option(
      '--spread <how>',
      "pod anti-affinity across nodes: 'preferred' or 'required'",
      spreadFlag,
      'preferred',
    )
    .option('-o, --out <dir>', 'write one file per object into this folder instead of stdout')
    .addHelpText(
      'after',
      `
Examples:
  ptaload kube profiles/entra-burst.yaml --shards 8 --image registry.example/ptaload:0.2 \\
      --results-claim ptaload-results -- --confirm-tenant contoso.onmicrosoft.com --max-rate 2000/s
  ptaload kube profiles/quickstart.yaml --shards 2 --image ptaload:dev --out k8s/`,
    )
    .action(
      action(async (path: string, runArgs: string[], flags: KubeFlags) => {
        const loaded = await loadProfile(path);
        const text = await readFile(loaded.path, 'utf8');
        const rel = (abs: string) => relative(loaded.dir, abs);
        const profile = {
          ...loaded.profile,
          users:
            loaded.profile.users.file === undefined
              ? loaded.profile.users
              : { ...loaded.profile.users, file: rel(loaded.profile.users.file) },
        };
        const extraFiles: Record<string, string> = {};
        if (profile.target.kind === 'entra' && profile.target.ca !== undefined) {
          extraFiles[rel(profile.target.ca)] = await readFile(profile.target.ca, 'utf8');
        }
        if (flags.runId !== undefined && !NAME_PATTERN.test(flags.runId)) {
          throw new UsageError(
            `--run-id: expected 1-64 letters, digits, '.', '_' or '-', got '${flags.runId}'.`,
          );
        }
        const runId = flags.runId ?? kubeName(`${profile.name}-${stamp(new Date())}`);
        const plan = renderKube({
          profile,
          profileText: text,
          profileFile: basename(loaded.path),
          extraFiles,
          shards: flags.shards,
          image: flags.image,
          ...(flags.namespace ? { namespace: flags.namespace } : {}),
          ...(flags.resultsClaim ? { resultsClaim: flags.resultsClaim } : {}),
          ...(flags.secret ? { secretName: flags.secret } : {}),
          runId,
          runArgs,
          load: parseLoadOptions(loadFlagsIn(runArgs)),
          cpuPerSignInUs: flags.cpuPerSignIn,
          ...(flags.metricsPort ? { metricsPort: flags.metricsPort } : {}),
          spread: flags.spread,
        });
        const steps = nextSteps(
          plan,
          flags,
          loaded.profile.users.file,
          sizingWords(plan.peakPerS, flags.shards, flags.cpuPerSignIn),
        );
        if (flags.out) {
          await mkdir(flags.out, { recursive: true });
          const names = ['10-profile-configmap.yaml', '20-shards-job.yaml', '30-merge-job.yaml'];
          for (const [i, m] of plan.manifests.entries())
            await writeFileAtomic(join(flags.out, names[i]!), stringify(m, { lineWidth: 0 }));
          await writeFileAtomic(join(flags.out, 'NEXT-STEPS.txt'), `${steps.join('\n')}\n`);
          process.stderr.write(
            `ptaload: wrote ${names.length} manifests and NEXT-STEPS.txt to ${flags.out}\n`,
          );
        } else {
          process.stdout.write(plan.manifests.map((m) => stringify(m, { lineWidth: 0 })).join('---\n'));
          for (const line of steps) process.stderr.write(`# ${line}\n`);
        }
        return 0;
      }),
    );
}

function nextSteps(
  plan: KubePlan,
  flags: KubeFlags,
  usersFile: string | undefined,
  sizing: string,
): string[] {
  const ns = flags.namespace ? ` -n ${flags.namespace}` : '';
  const lines = [`sizing: ${sizing}`, ...plan.notes.map((n) => `note: ${n}`)];
  if (plan.secret.create) {
    const parts = [
      ...(usersFile ? [`--from-file=users.csv=${usersFile}`] : []),
      ...(plan.secret.keys.includes('client-secret')
        ? ['--from-literal=client-secret="$CLIENT_SECRET"']
        : []),
    ];
    lines.push(
      `1. create the Secret (never a ConfigMap; values stay out of these manifests): kubectl${ns} create secret generic ${plan.secret.name} ${parts.join(' ')}`,
    );
  } else if (plan.secret.keys.length > 0) {
    lines.push(`1. the Secret ${plan.secret.name} must hold the keys: ${plan.secret.keys.join(', ')}`);
  } else lines.push('1. no Secret needed (generated users, no client secret)');
  lines.push(
    `2. apply: kubectl${ns} apply -f <these manifests>`,
    `3. watch: kubectl${ns} get pods -l app.kubernetes.io/instance=${plan.name} -w`,
    `4. when the shards are done: kubectl${ns} wait --for=condition=complete job/${plan.name} --timeout=2h && kubectl${ns} patch job ${plan.name}-merge -p '{"spec":{"suspend":false}}'`,
    `5. clean up: kubectl${ns} delete job ${plan.name} ${plan.name}-merge && kubectl${ns} delete configmap ${plan.name}-profile${plan.secret.create ? ` && kubectl${ns} delete secret ${plan.secret.name}` : ''}`,
  );
  return lines;
}

function cpuFlag(text: string): number {
  const us = /^\s*(\d+(?:\.\d+)?)\s*us\s*$/.exec(text);
  const ms = us ? undefined : parseDurationMs(text);
  const value = us ? Number(us[1]) : ms !== undefined ? ms * 1000 : Number.NaN;
  if (!(value > 0))
    throw new InvalidArgumentError(`--cpu-per-sign-in takes a duration like 80us or 0.1ms, got '${text}'.`);
  return value;
}

function spreadFlag(text: string): 'preferred' | 'required' {
  if (text !== 'preferred' && text !== 'required') {
    throw new InvalidArgumentError(`--spread takes 'preferred' or 'required', got '${text}'.`);
  }
  return text;
}

function stamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'z')
    .replace('T', 't');
}

/**
 * --rate, --duration and --agents among the arguments passed on to `ptaload run` (`--rate 2000/s` or
 * `--rate=2000/s`; the last one given wins, as for run). The pods run the profile with them, so the requests and
 * the Job's deadline are sized for that, not for the profile as written.
 */
function loadFlagsIn(args: readonly string[]): LoadOptionValues {
  const out: LoadOptionValues = {};
  const names = { '--rate': 'rate', '--duration': 'duration', '--agents': 'agents' } as const;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const flag = (eq > 0 ? arg.slice(0, eq) : arg) as keyof typeof names;
    if (!(flag in names)) continue;
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined)
      throw new UsageError(`${flag} after -- needs a value, e.g. ${flag} ${EXAMPLES[flag]}.`);
    if (flag === '--agents') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 40) {
        throw new UsageError(`--agents after --: expected a whole number from 1 to 40, got '${value}'.`);
      }
      out.agents = n;
    } else out[names[flag]] = value;
  }
  return out;
}

const EXAMPLES = { '--rate': '2000/s', '--duration': '10m', '--agents': '4' } as const;
