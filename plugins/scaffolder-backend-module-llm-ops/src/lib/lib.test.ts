import { createHash } from 'node:crypto';
import { mockCredentials } from '@backstage/backend-test-utils';
import { actionContext } from '../__testUtils__/llmOpsBackend';
import { idempotencyKey } from './context';
import { assetLinks, entityNameFor } from './links';
import { normalizeRepoUrl } from './repoUrl';
import { injectionReason, K8S_NAME, parseInput } from './validation';

const shortHash = (id: string) =>
  createHash('sha256').update(id).digest('hex').slice(0, 8);

describe('entityNameFor (the catalog module names entities the same way)', () => {
  it('keeps a name that already is a valid slug', () => {
    expect(entityNameFor({ id: 'a', name: 'support-bot' })).toBe('support-bot');
  });

  it('adds a short hash of the id when the slug had to change', () => {
    const id = '0b6f3c1e-8d6a-4d8e-9a51-1f4bbd1a2c33';
    expect(entityNameFor({ id, name: 'Support Bot / Finetune' })).toBe(
      `support-bot-finetune-${shortHash(id)}`,
    );
    expect(entityNameFor({ id: 'f00', name: 'Ünïcode Ëxperiment (v2)' })).toBe(
      `unicode-experiment-v2-${shortHash('f00')}`,
    );
  });

  it('links to the catalog page and the tool', () => {
    expect(
      assetLinks('model', {
        id: 'x',
        name: 'support-bot',
        source: { url: 'https://mlflow.example.com/#/models/support-bot' },
      }),
    ).toEqual({
      entityRef: 'model:default/support-bot',
      catalogUrl: '/catalog/default/model/support-bot',
      sourceUrl: 'https://mlflow.example.com/#/models/support-bot',
    });
  });
});

describe('normalizeRepoUrl', () => {
  it.each([
    ['github.com?owner=acme&repo=datasets', 'https://github.com/acme/datasets'],
    [
      'https://github.com/acme/datasets.git',
      'https://github.com/acme/datasets',
    ],
    [
      'https://gitlab.example.com/ml/data/',
      'https://gitlab.example.com/ml/data',
    ],
    [
      'bitbucket.org?workspace=acme&repo=data',
      'https://bitbucket.org/acme/data',
    ],
    [
      'dev.azure.com?organization=acme&project=ml&repo=data',
      'https://dev.azure.com/acme/ml/_git/data',
    ],
  ])('%s is %s', (input, expected) => {
    expect(normalizeRepoUrl(input)).toBe(expected);
  });

  it('refuses a RepoUrlPicker value without owner and repo', () => {
    expect(() => normalizeRepoUrl('github.com?owner=acme')).toThrow(
      /names no owner and repo/,
    );
  });
});

describe('input checks', () => {
  it.each([
    ['x; rm -rf /', /shell metacharacters/],
    ['a\nkind: Secret', /line break/],
    ['{{ secrets.token }}', /template syntax/],
    ['${HOME}', /template syntax/],
    ['$(id)', /shell/],
    ['a\u0000b', /control characters/],
    [' padded', /whitespace/],
    ['../etc', /\.\./],
  ])('names why %j looks like an injection', (value, reason) => {
    expect(injectionReason(value)).toMatch(reason);
  });

  it('finds nothing suspicious in a plain name', () => {
    expect(injectionReason('support-bot-v2')).toBeUndefined();
  });

  it('lists every problem in one InputError, quoting only a short preview', () => {
    const shape = {
      name: (z: any) =>
        z.string().regex(K8S_NAME, { message: 'must be a Kubernetes name' }),
      replicas: (z: any) => z.number().int().max(100),
    };
    let error: any;
    try {
      parseInput('llm-ops:test', shape, {
        name: `x; ${'y'.repeat(200)}`,
        replicas: 101,
      });
    } catch (e) {
      error = e;
    }
    expect(error.name).toBe('InputError');
    expect(error.message).toMatch(
      /^Invalid input to llm-ops:test, nothing was done: "name": must be a Kubernetes name \(got "x; y+\.\.\.\); refused because it contains shell metacharacters; "replicas": /,
    );
    expect(error.message.length).toBeLessThan(400);
  });
});

describe('idempotencyKey', () => {
  it('is the task, the step and the purpose', () => {
    const { ctx } = actionContext({}, { taskId: 'task-1', stepId: 'deploy' });
    expect(idempotencyKey(ctx, 'endpoint-create')).toBe(
      'scaffolder:task-1:deploy:endpoint-create',
    );
  });

  it('tells the items of an each loop apart', () => {
    const { ctx } = actionContext({}, { taskId: 'task-1', stepId: 'deploy' });
    const a = idempotencyKey({ ...ctx, each: { key: 0, value: 'a' } }, 'x');
    const b = idempotencyKey({ ...ctx, each: { key: 1, value: 'b' } }, 'x');
    expect(a).not.toBe(b);
  });

  it('stays within the 255 characters the API allows', () => {
    const { ctx } = actionContext(
      {},
      {
        taskId: 't'.repeat(200),
        stepId: 's'.repeat(100),
        credentials: mockCredentials.user(),
      },
    );
    expect(idempotencyKey(ctx, 'x')).toMatch(
      /^scaffolder:sha256:[0-9a-f]{64}$/,
    );
  });
});

describe('input errors and sensitive values', () => {
  it('does not quote values inside maps, which may be sensitive', () => {
    const shape = {
      parameters: (z: any) =>
        z.record(
          z.string(),
          z.string().regex(/^[^\n]*$/, { message: 'one line' }),
        ),
    };
    expect(() =>
      parseInput('llm-ops:test', shape, {
        parameters: { token: 's3cr3t\nkind: Secret' },
      }),
    ).toThrow(
      /^Invalid input to llm-ops:test, nothing was done: "parameters.token": one line; refused because it contains a line break, which could inject YAML$/,
    );
  });
});
