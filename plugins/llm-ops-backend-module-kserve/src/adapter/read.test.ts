import { toServedEndpointState } from './read';

const annotations = {
  'llm-ops/model-version-id': 'v2',
  'llm-ops/stable-model-version-id': 'v1',
  'llm-ops/canary-model-version-id': 'v2',
};

describe('toServedEndpointState', () => {
  it('reads an InferenceService without status as Unknown, without traffic', () => {
    expect(
      toServedEndpointState(
        { metadata: { name: 'chat', namespace: 'models' }, spec: {} },
        'prod',
      ),
    ).toEqual({
      name: 'chat',
      cluster: 'prod',
      namespace: 'models',
      url: null,
      state: 'Unknown',
      conditions: [],
      traffic: [],
    });
  });

  it('tells the canary revision from the stable one by latestRevision or tag', () => {
    const state = toServedEndpointState(
      {
        metadata: { name: 'chat', namespace: 'models', annotations },
        status: {
          address: { url: 'http://chat.models.svc.cluster.local' },
          conditions: [
            { type: 'Ready', status: 'False', reason: 'x', message: 'y' },
            { type: 'PredictorReady', status: 'Weird' },
          ],
          components: {
            predictor: {
              latestCreatedRevision: 'chat-predictor-00002',
              traffic: [
                { revisionName: 'chat-predictor-00002', percent: 20 },
                {
                  revisionName: 'chat-predictor-00001',
                  tag: 'prev',
                  percent: 80,
                },
              ],
            },
          },
        },
      },
      'prod',
    );
    expect(state.url).toBe('http://chat.models.svc.cluster.local');
    expect(state.state).toBe('NotReady');
    expect(state.conditions).toEqual([
      { type: 'Ready', status: 'False', reason: 'x', message: 'y' },
      { type: 'PredictorReady', status: 'Unknown' },
    ]);
    expect(state.traffic).toEqual([
      {
        revision: 'chat-predictor-00002',
        percent: 20,
        role: 'canary',
        modelVersionId: 'v2',
      },
      {
        revision: 'chat-predictor-00001',
        percent: 80,
        role: 'stable',
        modelVersionId: 'v1',
      },
    ]);
  });

  it('reads a single target as the stable one, running what the spec runs', () => {
    const state = toServedEndpointState(
      {
        metadata: {
          name: 'chat',
          annotations: {
            'llm-ops/model-version-id': 'v2',
            'llm-ops/stable-model-version-id': 'v2',
          },
        },
        status: {
          conditions: [{ type: 'Ready', status: 'True' }],
          components: {
            predictor: {
              latestReadyRevision: 'chat-predictor-00002',
              latestRolledoutRevision: 'chat-predictor-00002',
              traffic: [
                {
                  revisionName: 'chat-predictor-00002',
                  latestRevision: true,
                  percent: 100,
                },
              ],
            },
          },
        },
      },
      'prod',
    );
    expect(state.state).toBe('Ready');
    expect(state.traffic).toEqual([
      {
        revision: 'chat-predictor-00002',
        percent: 100,
        role: 'stable',
        modelVersionId: 'v2',
      },
    ]);
    expect(state.latestReadyRevision).toBe('chat-predictor-00002');
    expect(state.latestRolledOutRevision).toBe('chat-predictor-00002');
  });
});
