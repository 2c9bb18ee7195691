/** Tenant-wide counts since start, as `GET /_sim/counters` reports them. */
export class SimCounters {
  requests = 0;
  /** Replies by AADSTS code; successes under 0. */
  private readonly codes = new Map<number, number>();

  count(code: number): void {
    this.codes.set(code, (this.codes.get(code) ?? 0) + 1);
  }

  of(code: number): number {
    return this.codes.get(code) ?? 0;
  }

  byCode(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [code, n] of [...this.codes].sort((a, b) => a[0] - b[0])) out[String(code)] = n;
    return out;
  }
}
