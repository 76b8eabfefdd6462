import type { ApiEndpoint, ApiTrafficEntry } from '../client/types';
import type { Zod } from './validation';

/** Traffic as the actions output it. */
export type TrafficOutput = Array<{
  modelName: string;
  version: string;
  percent: number;
  role: 'stable' | 'canary';
}>;

export function trafficOutput(traffic: ApiTrafficEntry[]): TrafficOutput {
  return traffic.map(e => ({
    modelName: e.modelName,
    version: e.version,
    percent: e.percent,
    role: e.role,
  }));
}

/** "support-bot v3 90% (stable), support-bot v4 10% (canary)" for the task log. */
export function describeTraffic(traffic: TrafficOutput): string {
  if (traffic.length === 0) return 'nothing';
  return traffic
    .map(e => `${e.modelName} v${e.version} ${e.percent}% (${e.role})`)
    .join(', ');
}

export const stableOf = (endpoint: ApiEndpoint) =>
  endpoint.desired.traffic.find(e => e.role === 'stable');

export const canaryOf = (endpoint: ApiEndpoint) =>
  endpoint.desired.traffic.find(e => e.role === 'canary');

/** Output fields of the endpoint actions. */
export const endpointOutputs = {
  endpointId: (z: Zod) =>
    z.string({
      description:
        'The llm-ops id of the endpoint ("dry-run" in a dry run when it would be created).',
    }),
  endpointName: (z: Zod) => z.string({ description: 'The endpoint name.' }),
  traffic: (z: Zod) =>
    z.array(
      z.object({
        modelName: z.string(),
        version: z.string(),
        percent: z.number(),
        role: z.enum(['stable', 'canary']),
      }),
      {
        description:
          'The desired traffic after the step: which model versions take which share.',
      },
    ),
  state: (z: Zod) =>
    z.string({
      description:
        'What the serving platform last reported: Ready, NotReady or Unknown (until it reports).',
    }),
  endpointUrl: (z: Zod) =>
    z
      .string({
        description: 'The URL the endpoint serves at, when there is one.',
      })
      .optional(),
};
