/**
 * Memory over a soak: ptaload at a steady moderate rate against the trivial endpoint, the process's RSS
 * (main and worker threads) sampled every interval, and its slope fitted by least squares after a warm-up.
 */
import { startTrivialEndpoint } from './child.js';
import { ptaloadTrial, round3 } from './ptaload-trial.js';

const SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 90);
const RATE = Number(process.env.BENCH_SOAK_RATE ?? 2000);
const WARMUP_S = Math.min(10, Math.floor(SECONDS / 3));

export async function benchSoak(): Promise<{ name: string; figures: Record<string, number>; text: string }> {
  const { origin, stop } = await startTrivialEndpoint();
  const samples: [number, number][] = [];
  try {
    const t = await ptaloadTrial({
      origin,
      rate: RATE,
      seconds: SECONDS,
      workers: 2,
      connections: 128,
      onInterval: (i, rss) => {
        if (i >= WARMUP_S) samples.push([i, rss]);
      },
    });
    const slope = slopePerMin(samples);
    const figures = {
      seconds: SECONDS,
      ratePerS: RATE,
      rssStartMb: round3(samples[0]?.[1] ?? 0),
      rssEndMb: round3(samples.at(-1)?.[1] ?? 0),
      rssSlopeMbPerMin: round3(slope),
      achievedRatio: round3(t.achievedRatio),
    };
    const text = `${RATE}/s for ${SECONDS} s, 2 workers: RSS ${figures.rssStartMb} → ${figures.rssEndMb} MB after a ${WARMUP_S} s warm-up, slope ${figures.rssSlopeMbPerMin} MB/min (least squares), achieved/scheduled ${figures.achievedRatio}`;
    return { name: 'soak', figures, text };
  } finally {
    await stop();
  }
}

function slopePerMin(points: readonly [number, number][]): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den > 0 ? (num / den) * 60 : 0;
}
