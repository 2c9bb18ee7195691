/** What a test user's account is set up to answer (the sim maps these to AADSTS codes). */
export const USER_STATES = ['active', 'disabled', 'expired', 'mfa'] as const;
export type UserState = (typeof USER_STATES)[number];

export function isUserState(value: string): value is UserState {
  return (USER_STATES as readonly string[]).includes(value);
}

/** One sign-in identity. `password` is a secret: it never goes into a log, report or error message. */
export interface TestUser {
  readonly username: string;
  readonly password: string;
  readonly state: UserState;
}
