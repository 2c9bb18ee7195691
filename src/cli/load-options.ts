/** The flags that change a profile's load (--rate, --duration, --agents) and --shard, parsed once into typed values. */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { LoadOverrides } from '../profile/overrides.js';
import {
  DURATION_HINT,
  formatRate,
  MAX_LOAD_RATE,
  parseDurationMs,
  parseRate,
  RATE_HINT,
} from '../profile/quantities.js';
import { shardProblem } from '../run/check-overrides.js';
import type { Shard } from '../run/settings.js';
import { intInRange } from './flags.js';

/** The load flags as commander hands them over (--agents is already a number). */
export interface LoadOptionValues {
  rate?: string;
  duration?: string;
  agents?: number;
}

/** Adds --rate, --duration and (unless the command is for real tenants only) --agents. */
export function addLoadOptions(cmd: Command, opts: { agents: boolean } = { agents: true }): Command {
  cmd
    .option('--rate <rate>', "the run's peak rate, e.g. 50/s: every phase is scaled by the same factor")
    .option(
      '--duration <duration>',
      'one pass through the phases, e.g. 30s: phases, spikes, steps and timeline scaled to fit',
    );
  if (!opts.agents) return cmd;
  return cmd.option(
    '--agents <n>',
    'sim: agents the simulated tenant starts with (the first n of agents.list)',
    intInRange('--agents', 1, 40),
  );
}

/** The load flags given, checked once into typed values. */
export function parseLoadOptions(v: LoadOptionValues): LoadOverrides {
  const rate = v.rate === undefined ? undefined : ratePerS(v.rate);
  const durationMs = v.duration === undefined ? undefined : durationOf(v.duration);
  return {
    ...(rate === undefined ? {} : { rate }),
    ...(durationMs === undefined ? {} : { durationMs }),
    ...(v.agents === undefined ? {} : { agents: v.agents }),
  };
}

/** `i/n`: this harness's share when several run side by side. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const shard = { index: m ? Number(m[1]) : Number.NaN, count: m ? Number(m[2]) : Number.NaN };
  if (shardProblem(shard) !== undefined) {
    throw new UsageError(
      `--shard: expected i/n with 0 <= i < n (for example 0/4 for the first of four harnesses), got '${text}'.`,
    );
  }
  return shard;
}

const PLAIN_NUMBER = /^\s*\d+(?:\.\d+)?\s*$/;

function ratePerS(text: string): number {
  const n = PLAIN_NUMBER.test(text) ? Number(text) : parseRate(text);
  if (n === undefined || !(n > 0) || !Number.isFinite(n)) {
    throw new UsageError(`--rate takes ${RATE_HINT} (more than 0), got '${text}'.`);
  }
  // The profile's own bound: the phases are checked before --rate is written in, so it is checked here.
  if (n > MAX_LOAD_RATE) {
    throw new UsageError(
      `--rate ${formatRate(n)} is far above any tenant (40 PTA agents take about 16000/s; the most a run may ask for is ${formatRate(MAX_LOAD_RATE)}): check for a typo.`,
    );
  }
  return n;
}

function durationOf(text: string): number {
  const ms = PLAIN_NUMBER.test(text) ? parseDurationMs(Number(text)) : parseDurationMs(text);
  if (ms === undefined || !(ms > 0)) {
    throw new UsageError(`--duration takes ${DURATION_HINT} (more than 0), got '${text}'.`);
  }
  return ms;
}
