import { queryInputError } from './errors';

export type SeriesPoint = { step: number; timestamp: number; value: number };

/**
 * Reduces a metric history for charting to at most `maxPoints` points without hiding spikes:
 * the first and last points are kept, the points between are split into equal step ranges and
 * each range keeps its lowest and highest value (in step order). Series that already fit are
 * returned unchanged.
 */
export function downsampleSeries<T extends SeriesPoint>(
  points: T[],
  maxPoints: number,
): T[] {
  if (!Number.isInteger(maxPoints) || maxPoints < 4) {
    throw queryInputError(
      'max_points',
      `Invalid max_points: expected an integer of at least 4 but found ${maxPoints}`,
    );
  }
  if (points.length <= maxPoints) return points.slice();

  const sorted = points
    .map((point, index) => ({ point, index }))
    .sort(
      (a, b) =>
        a.point.step - b.point.step ||
        a.point.timestamp - b.point.timestamp ||
        a.index - b.index,
    )
    .map(({ point }) => point);
  const middle = sorted.slice(1, -1);
  const bucketCount = Math.floor((maxPoints - 2) / 2);
  const firstStep = middle[0].step;
  const width = (middle[middle.length - 1].step - firstStep) / bucketCount;

  // Per bucket, the indexes (into middle) of its min and max value points.
  const extremes: { min: number; max: number }[] = [];
  middle.forEach((point, i) => {
    const bucket =
      width > 0
        ? Math.min(
            bucketCount - 1,
            Math.floor((point.step - firstStep) / width),
          )
        : 0;
    const current = extremes[bucket];
    if (!current) {
      extremes[bucket] = { min: i, max: i };
    } else {
      // NaN never wins a comparison, so a real value replaces a NaN that came first.
      if (
        point.value < middle[current.min].value ||
        Number.isNaN(middle[current.min].value)
      )
        current.min = i;
      if (
        point.value > middle[current.max].value ||
        Number.isNaN(middle[current.max].value)
      )
        current.max = i;
    }
  });

  const kept: T[] = [sorted[0]];
  for (const bucket of extremes) {
    if (!bucket) continue;
    const [a, b] =
      bucket.min <= bucket.max
        ? [bucket.min, bucket.max]
        : [bucket.max, bucket.min];
    kept.push(middle[a]);
    if (b !== a) kept.push(middle[b]);
  }
  kept.push(sorted[sorted.length - 1]);
  return kept;
}
