import { ConfigReader } from '@backstage/config';
import { readMlflowInstances } from './config';

function read(mlflow: unknown) {
  return readMlflowInstances(
    new ConfigReader({ llmOps: mlflow === undefined ? {} : { mlflow } }),
  );
}

function instance(fields: Record<string, unknown>) {
  return {
    instances: [{ id: 'prod', baseUrl: 'http://mlflow:5000', ...fields }],
  };
}

describe('readMlflowInstances', () => {
  it('returns no instances without llmOps.mlflow', () => {
    expect(read(undefined)).toEqual([]);
    expect(readMlflowInstances(new ConfigReader({}))).toEqual([]);
  });

  it('reads instances with bearer, basic and no auth, defaulting uiBaseUrl to baseUrl', () => {
    expect(
      read({
        instances: [
          {
            id: 'prod',
            baseUrl: 'https://gateway.example.com/mlflow/',
            uiBaseUrl: 'https://mlflow.example.com/',
            token: 'tok-123',
            timeoutMs: 5000,
          },
          {
            id: 'staging',
            baseUrl: 'http://127.0.0.1:5000',
            username: 'alice',
            password: 'pw-123',
          },
          { id: 'local.dev_1', baseUrl: 'http://localhost:5000' },
        ],
      }),
    ).toEqual([
      {
        id: 'prod',
        baseUrl: 'https://gateway.example.com/mlflow',
        uiBaseUrl: 'https://mlflow.example.com',
        auth: { type: 'bearer', token: 'tok-123' },
        timeoutMs: 5000,
      },
      {
        id: 'staging',
        baseUrl: 'http://127.0.0.1:5000',
        uiBaseUrl: 'http://127.0.0.1:5000',
        auth: { type: 'basic', username: 'alice', password: 'pw-123' },
      },
      {
        id: 'local.dev_1',
        baseUrl: 'http://localhost:5000',
        uiBaseUrl: 'http://localhost:5000',
      },
    ]);
  });

  it.each([
    [
      'a missing instances list',
      {},
      "Missing required config value at 'llmOps.mlflow.instances'",
    ],
    [
      'an instances value that is not a list',
      { instances: 'prod' },
      "'llmOps.mlflow.instances'",
    ],
    [
      'a missing id',
      { instances: [{ baseUrl: 'http://mlflow:5000' }] },
      "Missing required config value at 'llmOps.mlflow.instances[0].id'",
    ],
    [
      'an id that is not a string',
      { instances: [{ id: 7, baseUrl: 'http://mlflow:5000' }] },
      "'llmOps.mlflow.instances[0].id'",
    ],
    [
      'an id with characters an adapter id cannot hold',
      instance({ id: 'prod eu' }),
      "Invalid MLflow instance id 'prod eu' at 'llmOps.mlflow.instances[0].id'",
    ],
    [
      'duplicate ids',
      {
        instances: [
          { id: 'prod', baseUrl: 'http://a:5000' },
          { id: 'other', baseUrl: 'http://b:5000' },
          { id: 'prod', baseUrl: 'http://c:5000' },
        ],
      },
      "Duplicate MLflow instance id 'prod' at 'llmOps.mlflow.instances[2].id'; 'llmOps.mlflow.instances[0].id' uses it already",
    ],
    [
      'a missing baseUrl',
      { instances: [{ id: 'prod' }] },
      "Missing required config value at 'llmOps.mlflow.instances[0].baseUrl'",
    ],
    [
      'a baseUrl that is not a URL',
      instance({ baseUrl: 'mlflow:5000/x y' }),
      "Invalid URL at 'llmOps.mlflow.instances[0].baseUrl'; expected http or https",
    ],
    [
      'a relative baseUrl',
      instance({ baseUrl: '/mlflow' }),
      "Invalid URL at 'llmOps.mlflow.instances[0].baseUrl'; expected an absolute http(s) URL",
    ],
    [
      'a uiBaseUrl with a query string',
      instance({ uiBaseUrl: 'http://ui?x=1' }),
      "Invalid URL at 'llmOps.mlflow.instances[0].uiBaseUrl'; expected no query string or fragment",
    ],
    [
      'both token and password',
      instance({ token: 't-1', username: 'u', password: 'p' }),
      "Both 'llmOps.mlflow.instances[0].token' and 'llmOps.mlflow.instances[0].username'/'llmOps.mlflow.instances[0].password' are set",
    ],
    [
      'a username without a password',
      instance({ username: 'alice' }),
      "Missing required config value at 'llmOps.mlflow.instances[0].password'",
    ],
    [
      'a password without a username',
      instance({ password: 'pw' }),
      "Missing required config value at 'llmOps.mlflow.instances[0].username'",
    ],
    [
      'a timeout that is not positive',
      instance({ timeoutMs: 0 }),
      "Invalid config value at 'llmOps.mlflow.instances[0].timeoutMs'",
    ],
    [
      'a fractional timeout',
      instance({ timeoutMs: 1.5 }),
      "Invalid config value at 'llmOps.mlflow.instances[0].timeoutMs'",
    ],
  ])('rejects %s, naming the config path', (_, mlflow, message) => {
    expect(() => read(mlflow)).toThrow(message);
  });

  it('refuses credentials in a URL without repeating them', () => {
    let error: Error | undefined;
    try {
      read(instance({ baseUrl: 'http://bob:s3cret-pw@mlflow:5000' }));
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toBe(
      "The URL at 'llmOps.mlflow.instances[0].baseUrl' contains credentials; use 'llmOps.mlflow.instances[0].token' or 'llmOps.mlflow.instances[0].username' and 'llmOps.mlflow.instances[0].password'",
    );
    expect(error?.message).not.toContain('s3cret-pw');
  });
});
