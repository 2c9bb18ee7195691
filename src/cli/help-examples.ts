/** The examples each command shows at the end of its `--help`: real commands a user can paste, one line of why each. */
import type { Command } from 'commander';

type Example = readonly [command: string, why: string];

const EXAMPLES: Readonly<Record<string, readonly Example[]>> = {
  run: [
    ['ptaload run', 'the quickstart against the embedded simulated tenant'],
    ['ptaload run profiles/failover-drill.yaml -o results/drill', 'a profile, into a folder you name'],
    [
      'ptaload run profiles/soak.yaml --rate 200/s --duration 2m',
      'a quick try: peak 200/s, curve squeezed to 2m',
    ],
    ['ptaload run profiles/smoke.yaml --agents 2 --seed 7', 'the sim with 2 agents, reproducibly'],
    ['ptaload run profiles/monday-burst.yaml --shard 0/4 -o shard-0', 'one of four side-by-side harnesses'],
    [
      'ptaload run tenant.yaml --confirm-tenant contoso.onmicrosoft.com --max-rate 50/s',
      'a real test tenant, cap raised to 50/s',
    ],
  ],
  validate: [
    ['ptaload validate profiles/monday-burst.yaml', 'what the profile would do, without running it'],
    [
      'ptaload validate profiles/soak.yaml --rate 100/s --duration 5m',
      'what it would do with these overrides',
    ],
    ['ptaload validate profiles/quickstart.yaml --json', 'the resolved profile (ms, per second, fractions)'],
  ],
  preflight: [
    [
      'ptaload preflight tenant.yaml --confirm-tenant contoso.onmicrosoft.com',
      'check a tenant before any load',
    ],
    [
      'ptaload preflight --tenant contoso.onmicrosoft.com --client-id <app-guid> --users users.csv --confirm-tenant contoso.onmicrosoft.com',
      'the same from flags alone',
    ],
    [
      'ptaload preflight tenant.yaml --rate 40/s --max-rate 40/s --confirm-tenant contoso.onmicrosoft.com',
      'are there enough users for 40/s?',
    ],
  ],
  report: [
    ['ptaload report results/drill', 'rebuild summary.json, report.md and report.html'],
    ['ptaload report results/drill --json > summary.json', 'the summary for a script'],
  ],
  compare: [
    ['ptaload compare results/before results/after', 'regression verdict after an agent upgrade'],
    [
      'ptaload compare results/before results/after --max-p99-increase 5% --agent agent-3',
      'judge the upgraded agent only, tighter',
    ],
  ],
  plan: [
    ['ptaload plan results/sweep --peak 1200/s', 'agents needed for a 1200/s peak, from a sweep'],
    [
      'ptaload plan results/agents-02 results/agents-04 --peak 1200/s --redundancy N+2 --headroom 30%',
      'from single runs, with more margin',
    ],
  ],
  merge: [
    [
      'ptaload merge shard-0 shard-1 shard-2 shard-3 -o results/monday-burst',
      'the shards of one run, added up exactly',
    ],
  ],
  sim: [
    ['ptaload sim --port 8443 --tls --agents 6', 'a simulated tenant for other tools, over HTTPS'],
    ['ptaload sim --users users.csv --seed 42', 'with your own users, reproducibly'],
  ],
  users: [['ptaload users generate --count 500 --domain contoso.test --out users.csv', 'users for the sim']],
  'users generate': [
    ['ptaload users generate --count 500 --domain contoso.test --out users.csv', 'users for the sim'],
    [
      'ptaload users generate --count 2000 --domain contoso.onmicrosoft.com --prefix pta --out tenant-users.csv',
      'names to create in a test tenant',
    ],
  ],
};

/** Adds an Examples block after the help of every command (and subcommand) that has examples. */
export function addHelpExamples(program: Command): void {
  const visit = (cmd: Command, prefix: string) => {
    for (const sub of cmd.commands) {
      const path = prefix === '' ? sub.name() : `${prefix} ${sub.name()}`;
      const examples = EXAMPLES[path] ?? [];
      if (examples.length > 0) sub.addHelpText('after', render(examples));
      visit(sub, path);
    }
  };
  visit(program, '');
}

function render(examples: readonly Example[]): string {
  const lines = examples.flatMap(([command, why]) => [`  # ${why}`, `  $ ${command}`]);
  return `\nExamples:\n${lines.join('\n')}`;
}
