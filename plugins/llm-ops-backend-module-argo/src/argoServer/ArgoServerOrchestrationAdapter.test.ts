import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigReader } from '@backstage/config';
import { closedPort, rejection } from '../__testUtils__/helpers';
import { ArgoServerApiError, ArgoServerRequestError } from './ArgoServerClient';
import { ArgoServerOrchestrationAdapter } from './ArgoServerOrchestrationAdapter';

/*
 * A FAKE Argo Server, only because no Argo Server can run here: Argo's server is a Go binary whose
 * UI assets are not in its module zip (it cannot be built from the Go proxy), and there is no
 * container registry. The fake follows the Argo Server REST API as documented in
 * /work/shared/docs/integrations.md section 3.2 (read from Argo's workflow.proto and swagger.json):
 *   POST /api/v1/workflows/{ns}/submit  {namespace, resourceKind, resourceName,
 *        submitOptions{generateName, parameters: ["k=v"], labels: "a=b,c=d"}}  -> the Workflow
 *   GET  /api/v1/workflows/{ns}/{name}                                        -> the Workflow
 *   GET  /api/v1/workflows/{ns}?listOptions.limit=..&fields=..                -> {metadata, items}
 *   PUT  /api/v1/workflows/{ns}/{name}/{retry|stop|terminate}  {name, namespace} -> the Workflow
 * with `Authorization: Bearer <token>` (client auth mode) and grpc-gateway errors
 * `{"code": <grpc code>, "message": ...}` under the mapped HTTP status. The Workflows it creates
 * look like what Argo's server creates from a template (generateName, workflowTemplateRef, the
 * template label, the parameters as arguments).
 */
type Workflow = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    generateName: string;
    labels: Record<string, string>;
  };
  spec: any;
  status: any;
};

class FakeArgoServer {
  readonly requests: Array<{ method: string; url: string; body: any }> = [];
  readonly workflows = new Map<string, Workflow>();
  readonly templates = new Set<string>(); // "ns/name" or "cluster/name"
  private server?: Server;

  constructor(private readonly token: string) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>(done => this.server!.listen(0, '127.0.0.1', done));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop() {
    await new Promise(done => this.server?.close(done));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? JSON.parse(text) : undefined;
    this.requests.push({ method: req.method!, url: req.url!, body });
    const send = (status: number, json: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    // grpc codes: 3 InvalidArgument/400, 5 NotFound/404, 16 Unauthenticated/401.
    const error = (status: number, code: number, message: string) =>
      send(status, { code, message });

    if (req.headers.authorization !== `Bearer ${this.token}`) {
      error(
        401,
        16,
        'token not valid. see https://argo-workflows.readthedocs.io/en/latest/faq/',
      );
      return;
    }
    const url = new URL(req.url!, 'http://fake');
    const parts = url.pathname
      .split('/')
      .filter(Boolean)
      .map(decodeURIComponent);
    if (parts[0] !== 'api' || parts[1] !== 'v1' || parts[2] !== 'workflows') {
      error(404, 5, 'Not Found');
      return;
    }
    const [ns, name, action] = parts.slice(3);

    if (req.method === 'GET' && ns && !name) {
      const items = [...this.workflows.values()].filter(
        w => w.metadata.namespace === ns,
      );
      const limit = Number(url.searchParams.get('listOptions.limit') ?? 0);
      send(200, {
        metadata: { resourceVersion: '1' },
        items: limit ? items.slice(0, limit) : items,
      });
      return;
    }
    if (req.method === 'POST' && name === 'submit' && !action) {
      const { resourceKind, resourceName, submitOptions = {} } = body ?? {};
      if (
        ![
          'WorkflowTemplate',
          'ClusterWorkflowTemplate',
          'CronWorkflow',
        ].includes(resourceKind)
      ) {
        error(400, 3, `resourceKind ${resourceKind} is not supported`);
        return;
      }
      const clusterScoped = resourceKind === 'ClusterWorkflowTemplate';
      const key = `${clusterScoped ? 'cluster' : ns}/${resourceName}`;
      if (!this.templates.has(key)) {
        const plural = clusterScoped
          ? 'clusterworkflowtemplates'
          : 'workflowtemplates';
        error(404, 5, `${plural}.argoproj.io "${resourceName}" not found`);
        return;
      }
      const raw: string[] = submitOptions.parameters ?? [];
      if (raw.some(p => !p.includes('='))) {
        error(400, 3, 'expected parameter of the form: NAME=VALUE');
        return;
      }
      const parameters = raw.map(p => {
        const at = p.indexOf('=');
        return { name: p.slice(0, at), value: p.slice(at + 1) };
      });
      const labels: Record<string, string> = {
        [clusterScoped
          ? 'workflows.argoproj.io/cluster-workflow-template'
          : 'workflows.argoproj.io/workflow-template']: resourceName,
      };
      for (const pair of (submitOptions.labels ?? '')
        .split(',')
        .filter(Boolean)) {
        const [k, v] = pair.split('=');
        labels[k] = v;
      }
      const generateName = submitOptions.generateName ?? `${resourceName}-`;
      const wf: Workflow = {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        metadata: {
          name: `${generateName}${Math.random().toString(36).slice(2, 7)}`,
          namespace: ns,
          generateName,
          labels,
        },
        spec: {
          workflowTemplateRef: {
            name: resourceName,
            ...(clusterScoped ? { clusterScope: true } : {}),
          },
          arguments: { parameters },
        },
        status: {},
      };
      this.workflows.set(`${ns}/${wf.metadata.name}`, wf);
      send(200, wf);
      return;
    }
    const wf = this.workflows.get(`${ns}/${name}`);
    if (!wf) {
      error(404, 5, `workflows.argoproj.io "${name}" not found`);
      return;
    }
    if (req.method === 'GET' && !action) {
      send(200, wf);
      return;
    }
    if (
      req.method === 'PUT' &&
      ['retry', 'stop', 'terminate'].includes(action)
    ) {
      if (body?.name !== name || body?.namespace !== ns) {
        error(400, 3, 'name and namespace in the body must match the path');
        return;
      }
      if (action === 'retry') {
        if (!['Failed', 'Error'].includes(wf.status.phase)) {
          error(
            400,
            3,
            `Cannot retry a workflow in phase ${wf.status.phase ?? ''}`,
          );
          return;
        }
        wf.status = { ...wf.status, phase: 'Running', finishedAt: null };
      } else {
        wf.spec.shutdown = action === 'stop' ? 'Stop' : 'Terminate';
      }
      send(200, wf);
      return;
    }
    error(404, 5, 'Not Found');
  }
}

describe('ArgoServerOrchestrationAdapter against a fake Argo Server', () => {
  const fake = new FakeArgoServer('argo-token');
  let adapter: ArgoServerOrchestrationAdapter;
  let baseUrl: string;

  beforeAll(async () => {
    baseUrl = await fake.start();
    fake.templates.add('pipelines/train');
    fake.templates.add('cluster/evaluate');
    [adapter] = ArgoServerOrchestrationAdapter.fromConfig(
      new ConfigReader({
        llmOps: {
          argo: {
            servers: [
              {
                name: 'main',
                baseUrl,
                token: 'argo-token',
                defaultNamespace: 'pipelines',
              },
            ],
          },
        },
      }),
    );
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.requests.splice(0));

  it('has the id argo-server:<name> and can retry', () => {
    expect(adapter.id).toBe('argo-server:main');
    expect([...adapter.capabilities].sort()).toEqual([
      'retry',
      'stop',
      'terminate',
    ]);
  });

  it('submits from a WorkflowTemplate through POST .../submit', async () => {
    const ref = await adapter.submit({
      templateRef: { kind: 'WorkflowTemplate', name: 'train' },
      parameters: { epochs: '10', query: 'a=b,c' },
      labels: { 'llm-ops/run-id': 'r-1' },
    });
    expect(fake.requests).toEqual([
      {
        method: 'POST',
        url: '/api/v1/workflows/pipelines/submit',
        body: {
          namespace: 'pipelines',
          resourceKind: 'WorkflowTemplate',
          resourceName: 'train',
          submitOptions: {
            generateName: 'train-',
            parameters: ['epochs=10', 'query=a=b,c'],
            labels: 'llm-ops/run-id=r-1,app.kubernetes.io/managed-by=llm-ops',
          },
        },
      },
    ]);
    expect(ref).toEqual({
      externalId: `pipelines/${ref.name}`,
      name: expect.stringMatching(/^train-/),
      url: `${baseUrl}/workflows/pipelines/${ref.name}`,
    });

    const state = await adapter.get({ name: ref.name });
    expect(state).toMatchObject({
      externalId: `pipelines/${ref.name}`,
      name: ref.name,
      namespace: 'pipelines',
      templateName: 'train',
      parameters: { epochs: '10', query: 'a=b,c' },
      labels: {
        'workflows.argoproj.io/workflow-template': 'train',
        'llm-ops/run-id': 'r-1',
        'app.kubernetes.io/managed-by': 'llm-ops',
      },
      phase: 'Pending',
      url: `${baseUrl}/workflows/pipelines/${ref.name}`,
    });
  });

  it('submits from a ClusterWorkflowTemplate into the namespace asked for', async () => {
    const ref = await adapter.submit({
      templateRef: { kind: 'ClusterWorkflowTemplate', name: 'evaluate' },
      namespace: 'team-a',
      parameters: {},
      labels: {},
    });
    expect(fake.requests[0].url).toBe('/api/v1/workflows/team-a/submit');
    expect(fake.requests[0].body.resourceKind).toBe('ClusterWorkflowTemplate');
    expect(
      fake.workflows.get(`team-a/${ref.name}`)?.spec.workflowTemplateRef,
    ).toEqual({ name: 'evaluate', clusterScope: true });
  });

  it('retries, stops and terminates with PUT .../{action} and {name, namespace}', async () => {
    const { name } = await adapter.submit({
      templateRef: { kind: 'WorkflowTemplate', name: 'train' },
      parameters: {},
      labels: {},
    });
    fake.requests.splice(0);

    // The server refuses to retry a Workflow that has not failed: a permanent 400.
    const early = await rejection(adapter.retry({ name }));
    expect(early).toBeInstanceOf(ArgoServerApiError);
    expect(early.status).toBe(400);
    expect(early.grpcCode).toBe(3);

    fake.workflows.get(`pipelines/${name}`)!.status = {
      phase: 'Failed',
      progress: '1/2',
    };
    await adapter.retry({ name });
    await adapter.stop({ name });
    await adapter.terminate({ name, namespace: 'pipelines' });
    expect(fake.requests.map(r => [r.method, r.url, r.body])).toEqual([
      [
        'PUT',
        `/api/v1/workflows/pipelines/${name}/retry`,
        { name, namespace: 'pipelines' },
      ],
      [
        'PUT',
        `/api/v1/workflows/pipelines/${name}/retry`,
        { name, namespace: 'pipelines' },
      ],
      [
        'PUT',
        `/api/v1/workflows/pipelines/${name}/stop`,
        { name, namespace: 'pipelines' },
      ],
      [
        'PUT',
        `/api/v1/workflows/pipelines/${name}/terminate`,
        { name, namespace: 'pipelines' },
      ],
    ]);
    expect(fake.workflows.get(`pipelines/${name}`)?.status.phase).toBe(
      'Running',
    );
    expect(fake.workflows.get(`pipelines/${name}`)?.spec.shutdown).toBe(
      'Terminate',
    );
  });

  it('maps grpc-gateway errors onto their HTTP status', async () => {
    expect(await adapter.get({ name: 'no-such-workflow' })).toBeUndefined();
    const missingTemplate = await rejection(
      adapter.submit({
        templateRef: { kind: 'WorkflowTemplate', name: 'no-such-template' },
        parameters: {},
        labels: {},
      }),
    );
    expect(missingTemplate.status).toBe(404);
    expect(missingTemplate.message).toContain(
      'workflowtemplates.argoproj.io "no-such-template" not found',
    );
    expect((await rejection(adapter.stop({ name: 'gone' }))).status).toBe(404);
  });

  it('reports a bad token as a 401 and the server as degraded', async () => {
    const [unauthorized] = ArgoServerOrchestrationAdapter.fromConfig(
      new ConfigReader({
        llmOps: { argo: { servers: [{ name: 'x', baseUrl, token: 'wrong' }] } },
      }),
    );
    const error = await rejection(unauthorized.get({ name: 'x' }));
    expect(error.status).toBe(401);
    expect(error.message).not.toContain('wrong');
    expect((await unauthorized.checkHealth()).state).toBe('degraded');
    expect((await adapter.checkHealth()).state).toBe('up');
  });

  it('gives an unreachable server an error without a status', async () => {
    const port = await closedPort();
    const unreachable = ArgoServerOrchestrationAdapter.fromServer({
      name: 'down',
      baseUrl: `http://127.0.0.1:${port}`,
      token: 't',
      defaultNamespace: 'pipelines',
    });
    for (const call of [
      () => unreachable.get({ name: 'x' }),
      () => unreachable.retry({ name: 'x' }),
      () =>
        unreachable.submit({
          templateRef: { kind: 'WorkflowTemplate', name: 'train' },
          parameters: {},
          labels: {},
        }),
    ]) {
      const error = await rejection(call());
      expect(error).toBeInstanceOf(ArgoServerRequestError);
      expect(error.status).toBeUndefined();
      expect(error.message).toContain('ECONNREFUSED');
    }
    expect((await unreachable.checkHealth()).state).toBe('down');
  });

  it('times out a server that does not answer', async () => {
    const silent = createServer(() => {});
    await new Promise<void>(done => silent.listen(0, '127.0.0.1', done));
    const { port } = silent.address() as AddressInfo;
    try {
      const slow = ArgoServerOrchestrationAdapter.fromServer({
        name: 'slow',
        baseUrl: `http://127.0.0.1:${port}`,
        defaultNamespace: 'pipelines',
        timeoutMs: 200,
      });
      const error = await rejection(slow.get({ name: 'x' }));
      expect(error).toBeInstanceOf(ArgoServerRequestError);
      expect(error.timedOut).toBe(true);
      expect(error.status).toBeUndefined();
    } finally {
      silent.closeAllConnections();
      await new Promise(done => silent.close(done));
    }
  });

  it('refuses labels the server would split wrongly', async () => {
    const error = await rejection(
      adapter.submit({
        templateRef: { kind: 'WorkflowTemplate', name: 'train' },
        parameters: {},
        labels: { team: 'a,b=c' },
      }),
    );
    expect(error.status).toBe(400);
    expect(fake.requests).toEqual([]);
  });
});
