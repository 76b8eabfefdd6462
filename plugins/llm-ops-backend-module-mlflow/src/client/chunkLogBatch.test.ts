import { chunkLogBatch, MLFLOW_LOG_BATCH_LIMITS } from './chunkLogBatch';

const metrics = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    key: 'loss',
    value: i,
    timestamp: 1000 + i,
    step: i,
  }));
const keyValues = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    key: `${prefix}${i}`,
    value: `${i}`,
  }));

describe('chunkLogBatch', () => {
  it('keeps a batch within the limits in one request', () => {
    const bodies = chunkLogBatch({
      run_id: 'r',
      metrics: metrics(10),
      params: keyValues('p', 3),
    });
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toEqual({
      run_id: 'r',
      metrics: metrics(10),
      params: keyValues('p', 3),
    });
  });

  it('splits by every count limit and keeps the order', () => {
    const bodies = chunkLogBatch({
      run_id: 'r',
      metrics: metrics(2500),
      params: keyValues('p', 150),
      tags: keyValues('t', 10),
    });
    // 100 params | 50 params + 10 tags + 940 metrics | 1000 metrics | 560 metrics
    expect(
      bodies.map(b => [
        b.params?.length ?? 0,
        b.tags?.length ?? 0,
        b.metrics?.length ?? 0,
      ]),
    ).toEqual([
      [100, 0, 0],
      [50, 10, 940],
      [0, 0, 1000],
      [0, 0, 560],
    ]);
    const steps = bodies.flatMap(b => b.metrics ?? []).map(m => m.step);
    expect(steps).toEqual(metrics(2500).map(m => m.step));
    for (const body of bodies) {
      const total =
        (body.params?.length ?? 0) +
        (body.tags?.length ?? 0) +
        (body.metrics?.length ?? 0);
      expect(total).toBeLessThanOrEqual(MLFLOW_LOG_BATCH_LIMITS.total);
    }
  });

  it('splits by size when values are large', () => {
    const big = 'x'.repeat(6000);
    const bodies = chunkLogBatch({
      run_id: 'r',
      tags: Array.from({ length: 100 }, (_, i) => ({
        key: `t${i}`,
        value: big,
      })),
      params: Array.from({ length: 100 }, (_, i) => ({
        key: `p${i}`,
        value: big,
      })),
    });
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies) {
      expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThanOrEqual(
        MLFLOW_LOG_BATCH_LIMITS.maxBytes,
      );
    }
  });

  it('writes non-finite metric values the way MLflow reads them', () => {
    const [body] = chunkLogBatch({
      run_id: 'r',
      metrics: [NaN, Infinity, -Infinity, 1.5].map((value, step) => ({
        key: 'm',
        value,
        timestamp: 1,
        step,
      })),
    });
    expect(body.metrics!.map(m => m.value)).toEqual([
      'NaN',
      'Infinity',
      '-Infinity',
      1.5,
    ]);
  });

  it('still sends one request for an empty batch', () => {
    expect(chunkLogBatch({ run_id: 'r' })).toEqual([{ run_id: 'r' }]);
  });
});
