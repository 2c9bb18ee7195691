/**
 * What a test user's account is set up to answer (the sim maps these to AADSTS codes): `expired` is the
 * on-prem AD password expired (50144, the PTA case), `mfa` needs MFA (50076), `ca-blocked` is blocked by
 * Conditional Access (53003). New states go at the end: generated users draw them in this order.
 */
export const USER_STATES = ['active', 'disabled', 'expired', 'mfa', 'ca-blocked'] as const;
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
