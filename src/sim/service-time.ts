/**
 * Service times are lognormal with a coefficient of variation of 0.3: always positive, right-skewed
 * like real logon calls (most close to the mean, a thin tail of slow ones), and with a spread modest
 * enough that an agent's throughput at saturation stays close to its nominal capacity.
 */
export const SERVICE_TIME_CV = 0.3;

const SIGMA2 = Math.log(1 + SERVICE_TIME_CV * SERVICE_TIME_CV);
const SIGMA = Math.sqrt(SIGMA2);

/** Draws lognormal samples with a given mean from a uniform [0,1) source (Box–Muller, both halves used). */
export class LognormalSampler {
  private spare = Number.NaN;

  constructor(private readonly uniform: () => number) {}

  /** One service time (same unit as `mean`) whose long-run average is `mean`. */
  sample(mean: number): number {
    return mean * Math.exp(SIGMA * this.normal() - SIGMA2 / 2);
  }

  private normal(): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = Number.NaN;
      return z;
    }
    const u = 1 - this.uniform(); // (0,1]: log(0) would be -Infinity
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}
