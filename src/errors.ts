/** Exit codes are a public contract (README "Exit codes"). */
export const EXIT = {
  ok: 0,
  failed: 1,
  badInput: 2,
  target: 3,
  /** The generator could not keep the schedule: the figures measure the generator, not the tenant. */
  generatorLimited: 4,
  /** A bug in ptaload itself (anything thrown that is not a PtaloadError). */
  internal: 70,
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * Every error a user can cause or meet is one of these: a stable `code`, the exit code it maps to, and a
 * message written for the user (names the file/line/field and the fix). Only `cli/` prints them.
 */
export class PtaloadError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  constructor(code: string, message: string, exitCode: ExitCode = EXIT.badInput, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** Flags and arguments that do not make sense. */
export class UsageError extends PtaloadError {
  constructor(message: string) {
    super('USAGE', message, EXIT.badInput);
  }
}

/** A profile that does not parse or validate. */
export class ProfileError extends PtaloadError {
  constructor(message: string) {
    super('PROFILE_INVALID', message, EXIT.badInput);
  }
}

/** A users CSV (or generated-users request) that cannot be used. */
export class UsersError extends PtaloadError {
  constructor(message: string) {
    super('USERS_INVALID', message, EXIT.badInput);
  }
}

/** A results folder that is missing, incomplete or not ptaload's. */
export class ResultsError extends PtaloadError {
  constructor(message: string) {
    super('RESULTS_INVALID', message, EXIT.badInput);
  }
}

/** The target could not be reached, or answered in a way that means it is misconfigured. */
export class TargetError extends PtaloadError {
  constructor(code: 'TARGET_UNREACHABLE' | 'TARGET_MISCONFIGURED' | 'TARGET_REFUSED', message: string) {
    super(code, message, EXIT.target);
  }
}
