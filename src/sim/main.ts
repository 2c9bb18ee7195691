#!/usr/bin/env node
// The simulated tenant as a program of its own, apart from the harness: its launch options come as one JSON
// document on stdin (none, or a terminal, means all defaults), it prints one ready line on stdout, logs on
// stderr, and stops on SIGTERM or Ctrl-C. `ptaload sim` is the same tenant behind command-line flags.
import { EXIT, PtaloadError, UsageError } from '../errors.js';
import { describeIssues } from '../protocol/agent-spec.js';
import { type SimLaunch, simLaunchSchema } from '../protocol/sim-launch.js';
import type { SimOptions } from './options.js';
import { serveUntilSignal } from './serve.js';

const log = (line: string) => process.stderr.write(`sim: ${line}\n`);

try {
  process.exitCode = await serveUntilSignal(await launchOptions(), log);
} catch (err) {
  if (err instanceof PtaloadError) {
    process.stderr.write(`ptaload: ${err.message}\n`);
    process.exitCode = err.exitCode;
  } else {
    process.stderr.write(
      `ptaload: internal error in the simulator: ${(err as Error)?.message ?? String(err)}\n`,
    );
    if (process.env.PTALOAD_DEBUG && err instanceof Error) process.stderr.write(`${err.stack ?? ''}\n`);
    process.exitCode = EXIT.internal;
  }
}

async function launchOptions(): Promise<SimOptions> {
  let text = '';
  if (!process.stdin.isTTY) {
    process.stdin.setEncoding('utf8');
    for await (const chunk of process.stdin) text += chunk as string;
  }
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(
      `the simulator's launch options on stdin are not JSON (${(err as Error).message}); write one object like {"port": 0, "agents": [{"name": "agent-1"}]}.`,
    );
  }
  const parsed = simLaunchSchema.safeParse(value);
  if (!parsed.success) {
    throw new UsageError(`the simulator's launch options: ${describeIssues('options', parsed.error)}.`);
  }
  const launch: SimLaunch = parsed.data;
  return launch;
}
