import { MlflowKeyValue, MlflowLogBatchRequest, MlflowMetric } from './types';

/**
 * What one `runs/log-batch` request may carry. The counts are MLflow's documented and enforced
 * limits; the server also rejects bodies over 1 MB, and `maxBytes` leaves room for the envelope.
 *
 * @public
 */
export const MLFLOW_LOG_BATCH_LIMITS = {
  metrics: 1000,
  params: 100,
  tags: 100,
  total: 1000,
  maxBytes: 950_000,
} as const;

/** @public */
export type MlflowLogBatchLimits = {
  metrics: number;
  params: number;
  tags: number;
  total: number;
  maxBytes: number;
};

/** The body of one log-batch request, metric values already in MLflow's JSON form. @internal */
export interface MlflowLogBatchBody {
  run_id: string;
  metrics?: MlflowMetric[];
  params?: MlflowKeyValue[];
  tags?: MlflowKeyValue[];
}

type Item =
  | { kind: 'params'; value: MlflowKeyValue }
  | { kind: 'tags'; value: MlflowKeyValue }
  | { kind: 'metrics'; value: MlflowMetric };

/**
 * Splits a log-batch request of any size into requests within MLflow's limits. Order is kept
 * (params, then tags, then metrics in the order given), so a metric series arrives in sequence.
 * An empty request still yields one body, so that errors such as an unknown run surface as they
 * would from MLflow.
 *
 * @internal
 */
export function chunkLogBatch(
  request: MlflowLogBatchRequest,
  limits: MlflowLogBatchLimits = MLFLOW_LOG_BATCH_LIMITS,
): MlflowLogBatchBody[] {
  const items: Item[] = [
    ...(request.params ?? []).map(value => ({
      kind: 'params' as const,
      value,
    })),
    ...(request.tags ?? []).map(value => ({ kind: 'tags' as const, value })),
    ...(request.metrics ?? []).map(metric => ({
      kind: 'metrics' as const,
      value: { ...metric, value: metricValueToJson(metric.value) },
    })),
  ];

  const envelopeBytes = Buffer.byteLength(
    JSON.stringify({
      run_id: request.run_id,
      metrics: [],
      params: [],
      tags: [],
    }),
  );
  const bodies: MlflowLogBatchBody[] = [];
  let current = emptyBody(request.run_id);
  let counts = { metrics: 0, params: 0, tags: 0, total: 0 };
  let bytes = envelopeBytes;

  for (const item of items) {
    // +1 for the comma that separates it from its neighbour.
    const itemBytes = Buffer.byteLength(JSON.stringify(item.value)) + 1;
    const full =
      counts[item.kind] + 1 > limits[item.kind] ||
      counts.total + 1 > limits.total ||
      bytes + itemBytes > limits.maxBytes;
    if (full && counts.total > 0) {
      bodies.push(current);
      current = emptyBody(request.run_id);
      counts = { metrics: 0, params: 0, tags: 0, total: 0 };
      bytes = envelopeBytes;
    }
    (current[item.kind] as Array<typeof item.value>).push(item.value);
    counts[item.kind] += 1;
    counts.total += 1;
    bytes += itemBytes;
  }
  if (counts.total > 0 || bodies.length === 0) bodies.push(current);

  return bodies.map(body => ({
    run_id: body.run_id,
    ...(body.metrics!.length ? { metrics: body.metrics } : {}),
    ...(body.params!.length ? { params: body.params } : {}),
    ...(body.tags!.length ? { tags: body.tags } : {}),
  }));
}

function emptyBody(runId: string): MlflowLogBatchBody {
  return { run_id: runId, metrics: [], params: [], tags: [] };
}

/** JSON has no NaN or Infinity; MLflow's proto JSON parser takes them as these strings. */
function metricValueToJson(value: number): MlflowMetric['value'] {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}
