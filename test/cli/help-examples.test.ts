import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { registerCommands } from '../../src/cli/commands.js';
import { runCli } from '../helpers/cli.js';

const COMMANDS = [
  'run',
  'report',
  'compare',
  'plan',
  'merge',
  'validate',
  'preflight',
  'sim',
  'users',
  'users generate',
];

/** The command at `path` in the same program the CLI builds. */
function commandAt(path: string): Command {
  const program = new Command('ptaload');
  registerCommands(program);
  let cmd = program;
  for (const name of path.split(' ')) {
    const next = cmd.commands.find((c) => c.name() === name);
    assert.ok(next, `command ${path}`);
    cmd = next;
  }
  return cmd;
}

for (const path of COMMANDS) {
  test(`ptaload ${path} --help ends with examples that use only its own flags`, async () => {
    const res = await runCli([...path.split(' '), '--help']);
    assert.equal(res.code, 0, res.stderr);
    const block = res.stdout.split('\nExamples:\n')[1];
    assert.ok(block, `an Examples block in:\n${res.stdout}`);
    const commands = block
      .split('\n')
      .filter((l) => l.trim().startsWith('$ '))
      .map((l) => l.trim().slice(2));
    assert.ok(commands.length > 0);
    // `users` shows its subcommand's examples; every other command shows its own.
    const subject = path === 'users' ? 'users generate' : path;
    const cmd = commandAt(subject);
    const known = new Set(cmd.options.flatMap((o) => [o.long, o.short]).filter(Boolean));
    for (const line of commands) {
      assert.ok(line.startsWith(`ptaload ${subject}`), `${line} starts with ptaload ${subject}`);
      for (const flag of line.match(/(?<=\s)--?[a-z][a-z0-9-]*/g) ?? []) {
        assert.ok(known.has(flag), `${path}: example flag ${flag} is an option (${line})`);
      }
    }
  });
}
