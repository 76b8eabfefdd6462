import { ConfigReader } from '@backstage/config';
import { readRayServeClusters } from './config';

/** A config value, as ConfigReader takes it. */
type JsonValue = NonNullable<
  ConstructorParameters<typeof ConfigReader>[0]
>[string];

const read = (rayServe: JsonValue) =>
  readRayServeClusters(new ConfigReader({ llmOps: { rayServe } }));

describe('readRayServeClusters', () => {
  it('reads the clusters with their defaults', () => {
    expect(
      read({
        clusters: [
          { name: 'dev', dashboardUrl: 'http://127.0.0.1:8265/' },
          {
            name: 'prod',
            dashboardUrl: 'https://ray.example.com/dashboard',
            token: 'secret-token',
            serveUrl: 'https://models.example.com',
            httpOptions: { host: '0.0.0.0', port: 8000 },
            importPath: 'llm_ops_apps.{modelFormat}:build',
            deploymentName: 'Predictor',
            numCpus: 2,
            watchIntervalSeconds: 30,
          },
        ],
      }),
    ).toEqual([
      {
        name: 'dev',
        dashboardUrl: 'http://127.0.0.1:8265',
        importPath: '{modelFormat}',
        deploymentName: 'Model',
        numCpus: 0.25,
        watchIntervalMs: 5000,
      },
      {
        name: 'prod',
        dashboardUrl: 'https://ray.example.com/dashboard',
        token: 'secret-token',
        serveUrl: 'https://models.example.com',
        httpOptions: { host: '0.0.0.0', port: 8000 },
        importPath: 'llm_ops_apps.{modelFormat}:build',
        deploymentName: 'Predictor',
        numCpus: 2,
        watchIntervalMs: 30000,
      },
    ]);
  });

  it('reads nothing without llmOps.rayServe', () => {
    expect(readRayServeClusters(new ConfigReader({}))).toEqual([]);
  });

  it.each<[JsonValue, string]>([
    [{}, "Missing required config value at 'llmOps.rayServe.clusters'"],
    [
      { clusters: [{ dashboardUrl: 'http://ray:8265' }] },
      "Missing required config value at 'llmOps.rayServe.clusters[0].name'",
    ],
    [
      { clusters: [{ name: 'dev' }] },
      "Missing required config value at 'llmOps.rayServe.clusters[0].dashboardUrl'",
    ],
    [
      { clusters: [{ name: 'no spaces', dashboardUrl: 'http://ray:8265' }] },
      "Invalid cluster name 'no spaces'",
    ],
    [
      { clusters: [{ name: 'dev', dashboardUrl: 'ray:8265' }] },
      "expected http or https, got 'ray:'",
    ],
    [
      { clusters: [{ name: 'dev', dashboardUrl: 'http://u:p@ray:8265' }] },
      'contains credentials',
    ],
    [
      { clusters: [{ name: 'dev', dashboardUrl: 'http://ray:8265?x=1' }] },
      'expected no query string',
    ],
    [
      {
        clusters: [
          { name: 'dev', dashboardUrl: 'http://ray:8265', numCpus: -1 },
        ],
      },
      "Invalid config value at 'llmOps.rayServe.clusters[0].numCpus'",
    ],
    [
      {
        clusters: [
          {
            name: 'dev',
            dashboardUrl: 'http://ray:8265',
            httpOptions: { port: 70000 },
          },
        ],
      },
      "Invalid config value at 'llmOps.rayServe.clusters[0].httpOptions.port'",
    ],
    [
      {
        clusters: [
          { name: 'dev', dashboardUrl: 'http://a:8265' },
          { name: 'dev', dashboardUrl: 'http://b:8265' },
        ],
      },
      "Duplicate cluster name 'dev' at 'llmOps.rayServe.clusters[1].name'",
    ],
  ])('refuses %j', (rayServe, message) => {
    expect(() => read(rayServe)).toThrow(message);
  });

  it('keeps a URL with a password out of the message', () => {
    expect(() =>
      read({
        clusters: [{ name: 'dev', dashboardUrl: 'http://u:hunter2@ray:8265' }],
      }),
    ).toThrow(
      expect.objectContaining({
        message: expect.not.stringContaining('hunter2'),
      }),
    );
  });
});
