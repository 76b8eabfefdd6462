import type { TrafficTarget } from '@llm-ops/backstage-plugin-llm-ops-node';
import { buildInferenceService, splitTraffic } from './inferenceService';

const target = (
  id: string,
  role: TrafficTarget['role'],
  percent: number,
): TrafficTarget => ({
  storageUri: `s3://models/m/${id}`,
  modelFormat: 'huggingface',
  modelVersionId: id,
  percent,
  role,
});

describe('buildInferenceService', () => {
  const cluster = { name: 'prod', namespace: 'models' };

  it('serves the stable model alone, without canaryTrafficPercent', () => {
    expect(
      buildInferenceService(
        {
          name: 'chat',
          runtime: 'kserve-huggingfaceserver',
          minReplicas: 0,
          maxReplicas: 2,
          traffic: [target('v1', 'stable', 100)],
        },
        cluster,
      ),
    ).toEqual({
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: {
        name: 'chat',
        namespace: 'models',
        labels: {
          'app.kubernetes.io/managed-by': 'llm-ops',
          'llm-ops/cluster': 'prod',
        },
        annotations: {
          'llm-ops/model-version-id': 'v1',
          'llm-ops/stable-model-version-id': 'v1',
        },
      },
      spec: {
        predictor: {
          minReplicas: 0,
          maxReplicas: 2,
          model: {
            modelFormat: { name: 'huggingface' },
            storageUri: 's3://models/m/v1',
            runtime: 'kserve-huggingfaceserver',
          },
        },
      },
    });
  });

  it("puts the canary's model in the predictor and the canary's share in canaryTrafficPercent", () => {
    const isvc = buildInferenceService(
      {
        name: 'chat',
        // The order of the targets does not matter.
        traffic: [target('v2', 'canary', 25), target('v1', 'stable', 75)],
      },
      cluster,
    );
    expect(isvc.spec.predictor).toEqual({
      canaryTrafficPercent: 25,
      model: {
        modelFormat: { name: 'huggingface' },
        storageUri: 's3://models/m/v2',
      },
    });
    expect(isvc.metadata?.annotations).toEqual({
      'llm-ops/model-version-id': 'v2',
      'llm-ops/stable-model-version-id': 'v1',
      'llm-ops/canary-model-version-id': 'v2',
    });
  });

  it.each([
    [{ minReplicas: 3, maxReplicas: 2 }, 'cannot be greater than maxReplicas'],
    [{ maxReplicas: -1 }, 'maxReplicas cannot be less than 0'],
  ])('refuses replicas KServe refuses: %j', (replicas, message) => {
    expect(() =>
      buildInferenceService(
        { name: 'chat', ...replicas, traffic: [target('v1', 'stable', 100)] },
        cluster,
      ),
    ).toThrow(message);
  });

  it('takes minReplicas above a maxReplicas of 0, which KServe reads as no limit', () => {
    expect(
      buildInferenceService(
        {
          name: 'chat',
          minReplicas: 2,
          maxReplicas: 0,
          traffic: [target('v1', 'stable', 100)],
        },
        cluster,
      ).spec.predictor.minReplicas,
    ).toBe(2);
  });
});

describe('splitTraffic', () => {
  it.each([
    [[], 'needs a traffic target'],
    [[target('v1', 'canary', 100)], '0 stable and 1 canary'],
    [
      [target('v1', 'stable', 50), target('v2', 'stable', 50)],
      '2 stable and 0 canary',
    ],
    [
      [
        target('v1', 'stable', 80),
        target('v2', 'canary', 10),
        target('v3', 'canary', 10),
      ],
      '1 stable and 2 canary',
    ],
    [[target('v1', 'stable', 90)], 'add up to 90'],
    [
      [target('v1', 'stable', 90.5), target('v2', 'canary', 9.5)],
      'whole number',
    ],
    [
      [{ ...target('v1', 'stable', 100), storageUri: '' }],
      'needs a storageUri',
    ],
  ])('refuses %j with a 400', (traffic, message) => {
    let error: any;
    try {
      splitTraffic(traffic as TrafficTarget[]);
    } catch (e) {
      error = e;
    }
    expect(error?.status).toBe(400);
    expect(error?.message).toContain(message);
  });
});
