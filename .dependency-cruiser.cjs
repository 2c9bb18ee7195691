/**
 * The house rules (README "Development → Layout"): folders form layers, arrows point down only, and a
 * folder never imports a sibling of its own layer, so no folder-level cycle can form. `npm run check`
 * runs this over src/ and workers/.
 */
const layers = [
  ['cli', 'index.ts'],
  ['run'],
  ['compare', 'capacity', 'kube', 'live'],
  ['report'],
  ['analysis'],
  ['results'],
  ['load'],
  ['targets'],
  ['profile'],
  ['transport', 'metrics', 'users'],
  ['protocol', 'outcome.ts', 'errors.ts', 'seeded-random.ts', 'version.ts'],
];
const rx = (names) => `^src/(${names.map((n) => n.replace('.', '\\.')).join('|')})(/|$)`;
const above = (i) => layers.slice(0, i + 1).flat();

const layerRules = layers.flatMap((names, i) =>
  names.map((name) => ({
    name: `layer:${name}`,
    comment: `src/${name} may import only layers below it (${layers
      .slice(i + 1)
      .map((l) => l.join(', '))
      .join(' → ')})`,
    severity: 'error',
    from: { path: rx([name]) },
    to: { path: rx(above(i).filter((n) => n !== name)) },
  })),
);

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'sim-stands-alone',
      comment:
        'The simulated tenant imports nothing of the harness but protocol/, errors.ts and seeded-random.ts',
      severity: 'error',
      from: { path: '^src/sim/' },
      to: { path: '^src/', pathNot: ['^src/sim/', rx(['protocol', 'errors.ts', 'seeded-random.ts'])] },
    },
    {
      name: 'sim-is-a-program',
      comment: 'Only the command line and the library entry start the simulator in-process',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/sim/', rx(['cli', 'index.ts'])] },
      to: { path: '^src/sim/' },
    },
    {
      name: 'workers-use-load-only',
      severity: 'error',
      from: { path: '^workers/' },
      to: { path: '^src/', pathNot: ['^src/load/'] },
    },
    {
      name: 'no-file-cycles',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      from: {
        orphan: true,
        pathNot: [
          '\\.d\\.ts$',
          '^workers/',
          '^src/cli/main\\.ts$',
          '^src/index\\.ts$',
          '^src/sim/main\\.ts$',
        ],
      },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js'],
    },
  },
};
