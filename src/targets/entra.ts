import { TargetError } from '../errors.js';
import type { Profile } from '../profile/schema.js';
import type { RunOverrides } from '../session/settings.js';
import type { Target } from './target.js';

/** A real Entra ID test tenant behind its safety interlocks. */
export async function openEntraTarget(
  _profile: Profile,
  _opts: { profileDir: string; log: (line: string) => void; overrides: RunOverrides },
): Promise<Target> {
  throw new TargetError('TARGET_REFUSED', 'the entra target is not available in this build yet.');
}
