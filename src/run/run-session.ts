/** The entry of `ptaload run`: a profile becomes one run or a sweep of runs. */
import { join } from 'node:path';
import { runProfile, type SessionHooks, type SessionResult } from './run-once.js';
import { loadRunProfile } from './run-profile.js';
import type { RunOverrides } from './settings.js';
import { runSweep, type SweepResult } from './sweep.js';

/**
 * One run from profile to report: open the target, drive the load, write the results folder as the run goes,
 * then rebuild summary and reports from that folder (the same path `ptaload report` takes).
 */
export async function runSession(
  profilePath: string,
  overrides: RunOverrides,
  hooks: SessionHooks,
  signal: AbortSignal,
): Promise<SessionResult | SweepResult> {
  // Real-tenant flags are written over the profile before it is validated (see targets/run-profile).
  const loaded = await loadRunProfile(profilePath, overrides.entra);
  const dir = overrides.out ?? join('results', `${stamp(new Date())}-${loaded.profile.name}`);
  if (loaded.profile.sweep) return runSweep(loaded, dir, overrides, hooks, signal);
  return runProfile(loaded.profile, loaded, dir, overrides, hooks, signal);
}

/** 20261125T123456Z */
function stamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}
