/** Injected AADSTS answers: a share or a count of the next sign-ins end with a chosen code, at Entra's point. */
import { AADSTS, AADSTS_BY_CODE, type AadstsCode, CA_CODES, MFA_CODES } from '../protocol/aadsts.js';
import type { InjectRequest } from '../protocol/sim-defaults.js';
import { Rng } from '../seeded-random.js';

/**
 * Where in Entra's order an injected code is applied: `tenant` before any user is looked up (throttling,
 * consent, request and app codes), `user` after smart lockout and before any agent (the user and the
 * directory), `agent` after dispatch, in place of the agent's answer (so it names the agent that took the
 * request), `account` once the password is right (expiry, MFA, Conditional Access: what Entra asks after
 * the credential).
 */
export type InjectStage = 'tenant' | 'user' | 'agent' | 'account';

const USER_STAGE: ReadonlySet<number> = new Set(
  [AADSTS.userNotFound, AADSTS.locked, AADSTS.disabled, AADSTS.invalidPassword, AADSTS.requestLoop].map(
    (e) => e.code,
  ),
);
const ACCOUNT_STAGE: ReadonlySet<number> = new Set(
  [AADSTS.passwordExpired, AADSTS.onPremPasswordExpired, ...MFA_CODES, ...CA_CODES].map((e) => e.code),
);

function stageOf(code: number): InjectStage {
  if (code >= 80000 && code <= 80099) return 'agent';
  if (USER_STAGE.has(code)) return 'user';
  if (ACCOUNT_STAGE.has(code)) return 'account';
  return 'tenant';
}

// The rule's schema is the protocol's, so a profile and `ptaload sim` check a code as `POST /_sim/inject` does.
export { injectSchema } from '../protocol/sim-defaults.js';

/** The one injection in force (a new one replaces it). Shares are drawn from the sim's seed. */
export class Injector {
  private rule: { entry: AadstsCode; stage: InjectStage; share?: number; left?: number } | undefined;
  private readonly rng: Rng;

  constructor(seed: number | string) {
    this.rng = Rng.keyed(seed, 'sim-inject');
  }

  set(req: InjectRequest): void {
    const entry = AADSTS_BY_CODE.get(req.code)!;
    this.rule = {
      entry,
      stage: stageOf(entry.code),
      ...(req.share !== undefined ? { share: req.share } : {}),
      ...(req.count !== undefined ? { left: req.count } : {}),
    };
  }

  clear(): void {
    this.rule = undefined;
  }

  view(): Record<string, unknown> | null {
    const r = this.rule;
    if (r === undefined) return null;
    return { code: r.entry.code, stage: r.stage, share: r.share ?? null, left: r.left ?? null };
  }

  /** The code a sign-in reaching `stage` ends with, or undefined to carry on. */
  at(stage: InjectStage): AadstsCode | undefined {
    const r = this.rule;
    if (r === undefined || r.stage !== stage) return undefined;
    if (r.left !== undefined) {
      if (--r.left <= 0) this.rule = undefined;
      return r.entry;
    }
    return this.rng.next01() < r.share! ? r.entry : undefined;
  }
}
