/** A training curve: `[start, end]` per metric over `steps` steps (one point a step). */
export type CurveSpec = { steps: number } & Record<
  string,
  number | [number, number]
>;

// mulberry32: a tiny seeded PRNG, so the same run always gets the same curve.
function prng(seedText: string) {
  let seed = 0;
  for (const ch of seedText)
    seed = Math.imul(seed ^ ch.charCodeAt(0), 2654435761) >>> 0 || 1;
  return () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Metric points that look like training: an exponential approach from start to end with noise
 * that shrinks as training settles, one point per step a minute apart.
 */
export function curvePoints(seed: string, curve: CurveSpec, startTime: number) {
  const random = prng(seed);
  const points: Array<{
    key: string;
    value: number;
    step: number;
    timestamp: number;
  }> = [];
  for (const [key, range] of Object.entries(curve)) {
    if (key === 'steps' || !Array.isArray(range)) continue;
    const [from, to] = range;
    for (let step = 0; step < curve.steps; step++) {
      const progress = step / curve.steps;
      const clean = to + (from - to) * Math.exp(-5 * progress);
      const noise =
        (random() - 0.5) * Math.abs(from - to) * 0.06 * (1 - 0.7 * progress);
      points.push({
        key,
        value: Number((clean + noise).toFixed(5)),
        step,
        timestamp: startTime + step * 60_000,
      });
    }
  }
  return points;
}
