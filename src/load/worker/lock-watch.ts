/** Tells lockouts our own wrong passwords can explain from ones they cannot (an IP block looks the same). */

/** How far back a wrong password of ours still explains a lockout (smart lockout's counter outlives a minute). */
const EXPLAINS_MS = 3_600_000;

/**
 * 50053 means smart lockout, an AD lockout, or Entra blocking the caller's IP as malicious. The first two
 * follow wrong passwords; the third comes whatever the password. So a lockout of a user who sent the right
 * password and got no wrong password from this run in the last hour is "unexplained": the likely cause is
 * an IP block. Each user (an index into the worker's users) is reported once, the first time it answers
 * 50053 in the run. Memory is taken only once a wrong password or a lockout happens.
 */
export class LockWatch {
  private lastWrong: Float64Array | undefined;
  private seen: Uint8Array | undefined;

  constructor(private readonly count: number) {}

  /** A deliberately wrong password is on its way for `user`. */
  sentWrong(user: number, nowMs: number): void {
    this.lastWrong ??= new Float64Array(this.count).fill(Number.NEGATIVE_INFINITY);
    this.lastWrong[user] = nowMs;
  }

  /** A 50053 came back: undefined if the user was already reported, else whether it is unexplained. */
  locked(user: number, wrong: boolean, nowMs: number): boolean | undefined {
    this.seen ??= new Uint8Array(this.count);
    if (this.seen[user] === 1) return undefined;
    this.seen[user] = 1;
    const last = this.lastWrong?.[user] ?? Number.NEGATIVE_INFINITY;
    return !wrong && nowMs - last > EXPLAINS_MS;
  }
}
