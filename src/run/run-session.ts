/** The entry of `ptaload run`: a profile becomes one run or a sweep of runs. */
import { join } from 'node:path';
import { checkOverrides } from './check-overrides.js';
import { runProfile, type SessionHooks, type SessionResult } from './run-once.js';
import { loadRunProfile } from './run-profile.js';
import { planRun, type RunOverrides } from './settings.js';
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
  checkOverrides(overrides);
  // Read once; the flags are written over the typed profile before its cross-checks (run/run-profile).
  const loaded = await loadRunProfile(profilePath, {
    ...(overrides.entra ? { entra: overrides.entra } : {}),
    ...(overrides.load ? { load: overrides.load } : {}),
  });
  const plan = planRun(loaded, overrides);
  const dir = overrides.out ?? join('results', `${stamp(new Date())}-${plan.profile.name}`);
  if (plan.profile.sweep) return runSweep(plan, dir, hooks, signal);
  return runProfile(plan, dir, hooks, signal, { overwrite: overrides.overwrite === true });
}

/** 20261125T123456Z */
function stamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}
