import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);

function findTmux(): string | undefined {
  for (const p of ['/usr/bin/tmux', '/usr/local/bin/tmux']) {
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}
const TMUX = findTmux();

const PROFILE = `
name: tmux-40
target: { kind: sim, seed: 5 }
users: { generate: 2000 }
agents:
  count: 40
  timeline:
    - { at: 2s, action: remove, agent: agent-7, mode: drain }
load:
  workers: 1
  interval: 1s
  phases:
    - { name: steady, duration: 5s, shape: constant, rate: 200/s }
`;

test('under tmux at 80 columns with 40 agents the progress block is redrawn in place: one copy on the screen and in the scrollback', {
  skip: TMUX ? false : 'tmux is not installed (apt-get install -y tmux; CI installs it)',
}, async () => {
  const dir = await tempDir();
  const profile = join(dir, 'p.yaml');
  await writeFile(profile, PROFILE);
  const socket = `ptaload-test-${process.pid}`;
  const tmux = (...args: string[]) => run(TMUX!, ['-L', socket, '-f', '/dev/null', ...args]);
  const main = join(ROOT, 'src', 'cli', 'main.ts');
  const command = [
    `cd ${JSON.stringify(ROOT)}`,
    `${JSON.stringify(process.execPath)} --import tsx ${JSON.stringify(main)} run ${JSON.stringify(profile)} --out ${JSON.stringify(join(dir, 'out'))}`,
    `echo "EXIT=$?"`,
    'sleep 600',
  ].join('; ');
  await tmux(
    'new-session',
    '-d',
    '-s',
    'live',
    '-x',
    '80',
    '-y',
    '24',
    `env -u NO_COLOR -u FORCE_COLOR TERM=xterm-256color sh -c '${command}'`,
  );
  try {
    await tmux('set-option', '-t', 'live', 'history-limit', '5000');
    let screen = '';
    const deadline = Date.now() + 120_000;
    let midRun = '';
    while (Date.now() < deadline) {
      screen = (await tmux('capture-pane', '-p', '-J', '-S', '-', '-E', '-', '-t', 'live')).stdout;
      if (!midRun && /\d+–\d+s\s+achieved/.test(screen)) midRun = screen;
      if (/EXIT=\d+/.test(screen)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.match(screen, /EXIT=0/, screen);
    assert.ok(midRun, 'saw the block mid-run');
    for (const [when, text] of [
      ['mid-run', midRun],
      ['at the end', screen],
    ] as const) {
      // Scrollback and screen together: a smeared redraw would leave older copies of the block behind.
      const bars = text.split('\n').filter((l) => /^\[[#.]{20}\] \d+s \/ \d+s {2}phase /.test(l));
      assert.equal(bars.length, 1, `${when}: one progress block, not ${bars.length}:\n${text}`);
      const nows = text.split('\n').filter((l) => /^now\s+target/.test(l));
      assert.equal(nows.length, 1, `${when}: one "now" row`);
      // -J joins wrapped rows: a block row that wrapped would show here as one longer line.
      const block = text.split('\n').filter((l) => /^(\[[#.]{20}\]|now |\d+–\d+s |last |run )/.test(l));
      assert.equal(block.length, 4, `${when}: four block rows:\n${block.join('\n')}`);
      for (const row of block)
        assert.ok(row.length < 80, `${when}: block row wider than the terminal: ${row}`);
    }
    // A timeline event logged mid-run stays above the block, once.
    assert.equal(screen.split('\n').filter((l) => /remove agent-7/.test(l)).length, 1, screen);
    assert.ok(screen.indexOf('remove agent-7') < screen.indexOf('phase steady'));
    assert.match(screen, /ptaload completed/);
    // To look at what the terminal showed: PTALOAD_TMUX_DUMP=<file>.
    if (process.env.PTALOAD_TMUX_DUMP) {
      await writeFile(process.env.PTALOAD_TMUX_DUMP, `${midRun}\n----\n${screen}`);
    }
  } finally {
    await tmux('kill-server').catch(() => undefined);
  }
});
