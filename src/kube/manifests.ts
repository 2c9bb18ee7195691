/** The Kubernetes objects of a sharded run: the profile's ConfigMap, an Indexed Job of shards, a suspended merge Job. */
import { posix } from 'node:path';
import { UsageError } from '../errors.js';
import { applyLoadOverrides, type LoadOverrides } from '../profile/overrides.js';
import { peakTargetRate, totalDurationMs } from '../profile/phases.js';
import type { Profile } from '../profile/schema.js';
import { shardResources } from './sizing.js';

export interface KubeRequest {
  /** The profile as parsed (paths as written, relative to its folder) and its file's text and name. */
  readonly profile: Profile;
  readonly profileText: string;
  readonly profileFile: string;
  /** Other files the profile names (a CA certificate), as text, by their path relative to the profile. */
  readonly extraFiles: Readonly<Record<string, string>>;
  readonly shards: number;
  readonly image: string;
  /** --rate, --duration, --agents among the run's arguments: the pods run the profile with them, so sizing does too. */
  readonly load?: LoadOverrides;
  readonly namespace?: string;
  /** A PersistentVolumeClaim (ReadWriteMany) every shard and the merge Job mount at /results. */
  readonly resultsClaim?: string;
  /** An existing Secret holding `users.csv` (and `client-secret`); default `<name>-secrets`, made by kubectl. */
  readonly secretName?: string;
  readonly runId: string;
  /** Flags appended to every shard's `ptaload run` (only the command line loosens a safety setting). */
  readonly runArgs: readonly string[];
  readonly cpuPerSignInUs: number;
  readonly metricsPort?: number;
  readonly spread: 'preferred' | 'required';
}

const PROFILE_MOUNT = '/etc/ptaload/profile';
const RESULTS_MOUNT = '/results';
const INDEX = '$(JOB_COMPLETION_INDEX)';
const BARRIER_TIMEOUT_S = 600;

type Manifest = Record<string, unknown> & { readonly kind: string };

/** What the manifests need from outside the cluster: the Secret, and the files it is made from. */
export interface KubePlan {
  readonly name: string;
  readonly secret: { readonly name: string; readonly keys: readonly string[]; readonly create: boolean };
  readonly manifests: readonly Manifest[];
  readonly notes: readonly string[];
  /** The peak rate the pods will run (the profile's, scaled by a --rate among the run's arguments): what sizing used. */
  readonly peakPerS: number;
}

export function renderKube(req: KubeRequest): KubePlan {
  const name = kubeName(`ptaload-${req.runId}`);
  const p = req.profile;
  const notes: string[] = [];
  const usersFile = p.users.file === undefined ? undefined : relativeInside(p.users.file, 'users.file');
  // Either target may name one: a real tenant's confidential app, or the simulated one's.
  const clientSecretEnv = p.target.clientSecretEnv;
  const secretName = req.secretName ?? `${name}-secrets`;
  const secretKeys = [...(usersFile ? ['users.csv'] : []), ...(clientSecretEnv ? ['client-secret'] : [])];
  if (p.agents.hooks) {
    notes.push(
      'the profile has timeline hooks: shard 0 runs them inside its pod, so their commands must exist in the image.',
    );
  }
  if (!req.resultsClaim) {
    notes.push(
      'no --results-claim: results and the barrier live in each pod’s emptyDir, so shards cannot meet at the barrier or be merged; give a ReadWriteMany PersistentVolumeClaim.',
    );
  }
  const labels = {
    'app.kubernetes.io/name': 'ptaload',
    'app.kubernetes.io/instance': name,
    'ptaload.io/run-id': req.runId,
  };
  const meta = (suffix: string, component: string) => ({
    name: `${name}${suffix}`,
    ...(req.namespace ? { namespace: req.namespace } : {}),
    labels: { ...labels, 'app.kubernetes.io/component': component },
  });
  const runDir = posix.join(RESULTS_MOUNT, req.runId);
  const shardDir = (i: string | number) => posix.join(runDir, `shard-${i}`);

  const configFiles: Record<string, string> = { [req.profileFile]: req.profileText };
  const items = [{ key: req.profileFile, path: req.profileFile }];
  for (const [path, text] of Object.entries(req.extraFiles)) {
    const key = configKey(path);
    configFiles[key] = text;
    items.push({ key, path: relativeInside(path, 'target.ca') });
  }
  const configMap: Manifest = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta('-profile', 'profile'),
    data: configFiles,
  };

  const profileVolume = {
    name: 'profile',
    projected: {
      sources: [
        { configMap: { name: `${name}-profile`, items } },
        ...(usersFile
          ? [{ secret: { name: secretName, items: [{ key: 'users.csv', path: usersFile }] } }]
          : []),
      ],
    },
  };
  const resultsVolume = req.resultsClaim
    ? { name: 'results', persistentVolumeClaim: { claimName: req.resultsClaim } }
    : { name: 'results', emptyDir: {} };
  const volumes = [profileVolume, resultsVolume, { name: 'tmp', emptyDir: {} }];
  const mounts = [
    { name: 'profile', mountPath: PROFILE_MOUNT, readOnly: true },
    { name: 'results', mountPath: RESULTS_MOUNT },
    { name: 'tmp', mountPath: '/tmp' },
  ];
  const security = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
  };
  const podSecurity = {
    runAsNonRoot: true,
    runAsUser: 1000,
    runAsGroup: 1000,
    fsGroup: 1000,
    seccompProfile: { type: 'RuntimeDefault' },
  };

  const shardArgs = [
    'run',
    posix.join(PROFILE_MOUNT, req.profileFile),
    '--shard',
    `${INDEX}/${req.shards}`,
    '--run-id',
    req.runId,
    '--barrier',
    posix.join(runDir, 'barrier'),
    '--out',
    shardDir(INDEX),
    '--quiet',
    ...(req.metricsPort ? ['--metrics-port', String(req.metricsPort)] : []),
    ...req.runArgs,
  ];
  const running = applyLoadOverrides(p, req.load ?? {});
  const resources = shardResources(peakTargetRate(running) / req.shards, req.cpuPerSignInUs);
  const affinityTerm = {
    labelSelector: {
      matchLabels: { 'app.kubernetes.io/instance': name, 'app.kubernetes.io/component': 'shard' },
    },
    topologyKey: 'kubernetes.io/hostname',
  };
  const affinity =
    req.spread === 'required'
      ? { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [affinityTerm] } }
      : {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: affinityTerm }],
          },
        };
  const deadlineS = Math.ceil(totalDurationMs(running) / 1000) + BARRIER_TIMEOUT_S + 300;
  const job: Manifest = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta('', 'shard'),
    spec: {
      completionMode: 'Indexed',
      completions: req.shards,
      parallelism: req.shards,
      // A load test is not retried behind the user's back: a failed shard shows as failed.
      backoffLimit: 0,
      activeDeadlineSeconds: deadlineS,
      template: {
        metadata: {
          labels: { ...labels, 'app.kubernetes.io/component': 'shard' },
          ...(req.metricsPort
            ? {
                annotations: {
                  'prometheus.io/scrape': 'true',
                  'prometheus.io/port': String(req.metricsPort),
                  'prometheus.io/path': '/metrics',
                },
              }
            : {}),
        },
        spec: {
          restartPolicy: 'Never',
          securityContext: podSecurity,
          affinity,
          containers: [
            {
              name: 'ptaload',
              image: req.image,
              args: shardArgs,
              env: [
                {
                  // Declared so that $(JOB_COMPLETION_INDEX) in args is expanded by the kubelet on every version.
                  name: 'JOB_COMPLETION_INDEX',
                  valueFrom: {
                    fieldRef: {
                      fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']",
                    },
                  },
                },
                ...(clientSecretEnv
                  ? [
                      {
                        name: clientSecretEnv,
                        valueFrom: { secretKeyRef: { name: secretName, key: 'client-secret' } },
                      },
                    ]
                  : []),
              ],
              ...(req.metricsPort
                ? { ports: [{ name: 'metrics', containerPort: req.metricsPort, protocol: 'TCP' }] }
                : {}),
              resources,
              securityContext: security,
              volumeMounts: mounts,
            },
          ],
          volumes,
        },
      },
    },
  };
  const mergeJob: Manifest = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta('-merge', 'merge'),
    spec: {
      // Released by `kubectl patch` once the shards' Job is complete (README "Scaling out").
      suspend: true,
      backoffLimit: 0,
      template: {
        metadata: { labels: { ...labels, 'app.kubernetes.io/component': 'merge' } },
        spec: {
          restartPolicy: 'Never',
          securityContext: podSecurity,
          containers: [
            {
              name: 'merge',
              image: req.image,
              args: [
                'merge',
                ...Array.from({ length: req.shards }, (_, i) => shardDir(i)),
                '--out',
                posix.join(runDir, 'merged'),
              ],
              resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { memory: '2Gi' } },
              securityContext: security,
              volumeMounts: mounts.filter((m) => m.name !== 'profile'),
            },
          ],
          volumes: volumes.filter((v) => v.name !== 'profile'),
        },
      },
    },
  };
  return {
    name,
    secret: {
      name: secretName,
      keys: secretKeys,
      create: req.secretName === undefined && secretKeys.length > 0,
    },
    manifests: [configMap, job, mergeJob],
    notes,
    peakPerS: peakTargetRate(running),
  };
}

/** A DNS-1123 label of at most 52 characters (Job names leave room for the pods' suffixes). */
export function kubeName(text: string): string {
  const cleaned = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return cleaned.slice(0, 52).replace(/-$/, '') || 'ptaload';
}

function relativeInside(path: string, field: string): string {
  const norm = posix.normalize(path.replaceAll('\\', '/'));
  if (posix.isAbsolute(norm) || norm.startsWith('../') || norm === '..') {
    throw new UsageError(
      `${field}: '${path}' must be a path inside the profile's folder for ptaload kube (it is mounted next to the profile in each pod); move the file next to the profile.`,
    );
  }
  return norm;
}

function configKey(path: string): string {
  return path.replace(/[^A-Za-z0-9._-]/g, '_');
}
