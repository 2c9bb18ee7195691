/** Reading a profile once: its text parsed into a document, the document checked field by field, then cross-checked and resolved. */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ProfileError } from '../errors.js';
import { crossCheck } from './cross-check.js';
import { formatIssues, profileErrorMap } from './issues.js';
import { profileObjectSchema, type RawProfile } from './raw-schema.js';
import { resolveProfile } from './resolve.js';
import type { Profile } from './schema.js';
import { type ProfileSource, readProfileSource } from './source.js';

/** A profile's text, parsed once: errors found later still point at its lines. */
export interface ProfileDocument {
  /** How errors name it (the path as given, usually). */
  readonly name: string;
  readonly source: ProfileSource;
  /** Absolute path of the file ('' when the profile did not come from a file). */
  readonly path: string;
  /** Relative paths inside the profile (users.file, target.ca) resolve against this folder. */
  readonly dir: string;
}

export interface LoadedProfile {
  readonly profile: Profile;
  /** Absolute path of the profile file. */
  readonly path: string;
  /** Its folder: relative paths inside the profile (users.file, target.ca) were resolved against it. */
  readonly dir: string;
}

/** Parses and validates profile text; `sourceName` is how errors name it (a path, usually). */
export function parseProfile(text: string, sourceName: string): Profile {
  const doc = profileDocument(text, sourceName, '', '');
  return finishProfile(checkFields(doc), doc);
}

/** Reads a profile file; relative file paths inside it become absolute, relative to its folder. */
export async function loadProfile(path: string): Promise<LoadedProfile> {
  const doc = await readProfileDocument(path);
  return loadedFrom(finishProfile(checkFields(doc), doc), doc);
}

/** Reads and parses a profile file (YAML or JSON), once. */
export async function readProfileDocument(path: string): Promise<ProfileDocument> {
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
  const abs = resolve(path);
  return profileDocument(text, path, abs, dirname(abs));
}

/** A document from text that is not (or not only) a file's, e.g. a profile made of flags. */
export function profileDocument(text: string, name: string, path: string, dir: string): ProfileDocument {
  return { name, source: readProfileSource(text, name), path, dir };
}

/** The field-level schema, once: the typed value that command-line overrides are applied to. */
export function checkFields(doc: ProfileDocument): RawProfile {
  const result = profileObjectSchema.safeParse(doc.source.value, { error: profileErrorMap });
  if (!result.success) throw new ProfileError(formatIssues(result.error.issues, doc.name, doc.source));
  return result.data;
}

/**
 * The rules that span fields, then the defaults that depend on other fields. `applied` names the
 * command-line flags already written into `raw`, so a refusal says the file alone is not what was judged.
 */
export function finishProfile(
  raw: RawProfile,
  doc: ProfileDocument,
  applied: readonly string[] = [],
): Profile {
  const issues = crossCheck(raw);
  if (issues.length > 0) {
    const note = applied.length > 0 ? `\n(with ${applied.join(', ')} applied)` : '';
    throw new ProfileError(`${formatIssues(issues, doc.name, doc.source)}${note}`);
  }
  return resolveProfile(raw);
}

/** The profile with its paths made absolute, and where it came from. */
export function loadedFrom(profile: Profile, doc: ProfileDocument): LoadedProfile {
  return { profile: resolvePaths(profile, doc.dir), path: doc.path, dir: doc.dir };
}

/** Paths inside a profile (users file, CA) are relative to the profile's folder; makes them absolute. */
function resolvePaths(profile: Profile, dir: string): Profile {
  const at = (p: string) => (isAbsolute(p) ? p : resolve(dir, p));
  const users =
    profile.users.file === undefined ? profile.users : { ...profile.users, file: at(profile.users.file) };
  const target =
    profile.target.kind === 'entra' && profile.target.ca !== undefined
      ? { ...profile.target, ca: at(profile.target.ca) }
      : profile.target;
  return { ...profile, users, target };
}
