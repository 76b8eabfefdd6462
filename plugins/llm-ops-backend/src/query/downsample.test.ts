import { downsampleSeries, SeriesPoint } from './downsample';

const series = (values: number[], stepOf = (i: number) => i): SeriesPoint[] =>
  values.map((value, i) => ({ step: stepOf(i), timestamp: 1000 + i, value }));

describe('downsampleSeries', () => {
  it('returns short series unchanged (as a copy)', () => {
    const points = series([3, 1, 2, 5]);
    const result = downsampleSeries(points, 4);
    expect(result).toEqual(points);
    expect(result).not.toBe(points);
    expect(downsampleSeries([], 10)).toEqual([]);
  });

  it('keeps the first and last points and stays within maxPoints', () => {
    const points = series(
      Array.from({ length: 1000 }, (_, i) => Math.sin(i / 10)),
    );
    for (const maxPoints of [4, 5, 10, 11, 100, 999]) {
      const result = downsampleSeries(points, maxPoints);
      expect(result.length).toBeLessThanOrEqual(maxPoints);
      expect(result.length).toBeGreaterThanOrEqual(Math.min(maxPoints - 1, 4));
      expect(result[0]).toBe(points[0]);
      expect(result[result.length - 1]).toBe(points[999]);
    }
  });

  it('never loses a spike or a dip, and keeps step order', () => {
    const values = Array.from({ length: 500 }, () => 1);
    values[137] = 99; // spike
    values[401] = -42; // dip
    const points = series(values, i => i * 2);
    const result = downsampleSeries(points, 20);
    expect(result).toContain(points[137]);
    expect(result).toContain(points[401]);
    const steps = result.map(p => p.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(new Set(result).size).toBe(result.length);
  });

  it('keeps the min and max of every step bucket', () => {
    // 2 buckets of steps: [1..4] and [5..8]; first and last points are kept separately.
    const points = series([0, 5, 9, 1, 7, 2, 8, 3, 6, 0], i => i);
    expect(downsampleSeries(points, 6).map(p => p.value)).toEqual([
      0, 9, 1, 2, 8, 0,
    ]);
  });

  it('sorts by step before bucketing and tolerates irregular steps and NaN', () => {
    const points: SeriesPoint[] = [
      { step: 50, timestamp: 5, value: 4 },
      { step: 0, timestamp: 0, value: 1 },
      { step: 10_000, timestamp: 9, value: 2 },
      { step: 2, timestamp: 1, value: NaN },
      { step: 3, timestamp: 2, value: 10 },
      { step: 4, timestamp: 3, value: -10 },
      { step: 9_000, timestamp: 8, value: 3 },
    ];
    const result = downsampleSeries(points, 5);
    expect(result.map(p => p.step)).toEqual([0, 3, 4, 10_000]);
  });

  it('rejects maxPoints below 4', () => {
    for (const maxPoints of [3, 0, -1, 4.5, NaN]) {
      expect(() =>
        downsampleSeries(series([1, 2, 3, 4, 5]), maxPoints),
      ).toThrow(
        expect.objectContaining({
          name: 'InputError',
          field: 'max_points',
          message: expect.stringContaining('expected an integer of at least 4'),
        }),
      );
    }
  });
});
