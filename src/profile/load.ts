import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ProfileError } from '../errors.js';
import { formatIssues, profileErrorMap } from './issues.js';
import { type Profile, profileSchema } from './schema.js';
import { readProfileSource } from './source.js';

/** Parses and validates profile text; `sourceName` is how errors name it (a path, usually). */
export function parseProfile(text: string, sourceName: string): Profile {
  const source = readProfileSource(text, sourceName);
  const result = profileSchema.safeParse(source.value, { error: profileErrorMap });
  if (!result.success) throw new ProfileError(formatIssues(result.error.issues, sourceName, source));
  return result.data;
}

export interface LoadedProfile {
  readonly profile: Profile;
  /** Absolute path of the profile file. */
  readonly path: string;
  /** Its folder: relative paths inside the profile (users.file, target.ca) were resolved against it. */
  readonly dir: string;
}

/** Reads a profile file; relative file paths inside it become absolute, relative to its folder. */
export async function loadProfile(path: string): Promise<LoadedProfile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file (ready-made profiles are in profiles/, e.g. profiles/quickstart.yaml)'
        : code === 'EISDIR'
          ? 'it is a folder; give a .yaml or .json file'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : (err as Error).message;
    throw new ProfileError(`cannot read profile ${path}: ${why}.`);
  }
  const profile = parseProfile(text, path);
  const abs = resolve(path);
  const dir = dirname(abs);
  return { profile: resolvePaths(profile, dir), path: abs, dir };
}

/** Paths inside a profile (users file, CA) are relative to the profile's folder; makes them absolute. */
export function resolvePaths(profile: Profile, dir: string): Profile {
  const at = (p: string) => (isAbsolute(p) ? p : resolve(dir, p));
  const users =
    profile.users.file === undefined ? profile.users : { ...profile.users, file: at(profile.users.file) };
  const target =
    profile.target.kind === 'entra' && profile.target.ca !== undefined
      ? { ...profile.target, ca: at(profile.target.ca) }
      : profile.target;
  return { ...profile, users, target };
}
