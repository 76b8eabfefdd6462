import { buildWorkflow } from './submit';

describe('buildWorkflow', () => {
  it('builds what `argo submit --from` builds, with the adapter labels winning', () => {
    expect(
      buildWorkflow(
        {
          templateRef: { kind: 'WorkflowTemplate', name: 'train' },
          parameters: { epochs: '3' },
          labels: { 'app.kubernetes.io/managed-by': 'someone-else', run: 'r1' },
        },
        {
          namespace: 'ns',
          labels: { 'app.kubernetes.io/managed-by': 'llm-ops' },
        },
      ),
    ).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: {
        generateName: 'train-',
        namespace: 'ns',
        labels: {
          run: 'r1',
          'workflows.argoproj.io/workflow-template': 'train',
          'app.kubernetes.io/managed-by': 'llm-ops',
        },
      },
      spec: {
        workflowTemplateRef: { name: 'train' },
        arguments: { parameters: [{ name: 'epochs', value: '3' }] },
      },
    });
  });

  it.each([
    [{ kind: 'CronWorkflow', name: 'x' }, {}, {}, 'templateRef.kind'],
    [{ kind: 'WorkflowTemplate', name: ' ' }, {}, {}, 'templateRef.name'],
    [
      { kind: 'WorkflowTemplate', name: 'x' },
      {},
      { 'bad key!': 'v' },
      "Invalid label key 'bad key!'",
    ],
    [
      { kind: 'WorkflowTemplate', name: 'x' },
      {},
      { 'Bad.Prefix/k': 'v' },
      'Invalid label key',
    ],
    [
      { kind: 'WorkflowTemplate', name: 'x' },
      {},
      { k: 'x'.repeat(64) },
      "Invalid value of label 'k'",
    ],
    [
      { kind: 'WorkflowTemplate', name: 'x' },
      { 'a=b': '1' },
      {},
      "Invalid parameter name 'a=b'",
    ],
  ])(
    'refuses %j %j %j with a 400',
    (templateRef, parameters, labels, message) => {
      let error: any;
      try {
        buildWorkflow(
          { templateRef: templateRef as any, parameters, labels },
          { namespace: 'ns', labels: {} },
        );
      } catch (e) {
        error = e;
      }
      expect(error?.status).toBe(400);
      expect(error?.message).toContain(message);
    },
  );
});
