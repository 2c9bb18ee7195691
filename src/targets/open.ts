import type { Profile } from '../profile/schema.js';
import type { EntraFlags } from './entra/flags.js';
import { startSimTarget } from './sim/sim-target.js';
import type { Target } from './target.js';

/** Opens the profile's target: starts the simulated tenant, or prepares a real tenant behind its interlocks. */
export async function openTarget(
  profile: Profile,
  opts: { profileDir: string; log: (line: string) => void; entra: EntraFlags },
): Promise<Target> {
  switch (profile.target.kind) {
    case 'sim':
      return startSimTarget(profile, opts);
    case 'entra': {
      const { openEntraTarget } = await import('./entra/entra-target.js');
      return openEntraTarget(profile, opts);
    }
  }
}
