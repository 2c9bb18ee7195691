/** Entra's "client request loop" throttle (AADSTS50196): one user signing in to one app too often. */
import type { Clock, RequestLoopPolicy } from './options.js';

interface Window {
  start: number;
  count: number;
}

/**
 * Counts each user's sign-ins to the app in fixed windows of `windowMs`; past `threshold` in one window
 * the user is throttled until the window ends. Fixed windows keep it to one small record per user; the
 * real rule is not published, so the policy is the sim's own (configurable, off by default).
 */
export class RequestLoopDetector {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly policy: RequestLoopPolicy,
    private readonly clock: Clock,
  ) {}

  /** Counts one sign-in; true when it is past the threshold (answer 50196). */
  hit(user: string): boolean {
    const now = this.clock.now();
    let w = this.windows.get(user);
    if (w === undefined || now - w.start >= this.policy.windowMs) {
      if (this.windows.size > 1_000_000) this.windows.clear();
      w = { start: now, count: 0 };
      this.windows.set(user, w);
    }
    w.count++;
    return w.count > this.policy.threshold;
  }
}
