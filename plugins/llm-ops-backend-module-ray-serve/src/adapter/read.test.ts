import { fixture } from '../__testUtils__/fakeRay';
import { serveBaseUrl, summarizeMessage, toServedEndpointState } from './read';

const base = 'http://127.0.0.1:58266';

describe('toServedEndpointState', () => {
  it('maps a RUNNING application to Ready, with its URL and model version', () => {
    const details = fixture('get-running.json');
    expect(
      toServedEndpointState(details.applications.classifier, {
        cluster: 'dev',
        baseUrl: base,
      }),
    ).toEqual({
      name: 'classifier',
      cluster: 'dev',
      url: 'http://127.0.0.1:58266/classifier',
      state: 'Ready',
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'RUNNING',
          lastTransitionTime: new Date(
            details.applications.classifier.last_deployed_time_s * 1000,
          ).toISOString(),
        },
        { type: 'Deployment/Model', status: 'True', reason: 'HEALTHY' },
      ],
      traffic: [{ percent: 100, role: 'stable', modelVersionId: 'mv-3' }],
    });
  });

  it('maps a DEPLOYING application to NotReady', () => {
    const details = fixture('get-deploying.json');
    const state = toServedEndpointState(details.applications.classifier, {
      cluster: 'dev',
      baseUrl: base,
    });
    expect(state.state).toBe('NotReady');
    expect(state.conditions[0]).toMatchObject({
      type: 'Ready',
      status: 'False',
      reason: 'DEPLOYING',
    });
  });

  it("maps DEPLOY_FAILED to NotReady with Serve's message, without the traceback", () => {
    const details = fixture('get-failed.json');
    const state = toServedEndpointState(details.applications.broken, {
      cluster: 'dev',
      baseUrl: base,
    });
    expect(state).toMatchObject({
      name: 'broken',
      state: 'NotReady',
      // Serve reports no route for an application that never built; the config has it.
      url: 'http://127.0.0.1:58266/broken',
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'DEPLOY_FAILED',
          message:
            "Deploying app 'broken' failed with exception: ModuleNotFoundError: No module named 'llm_ops_no_such_module'",
        },
      ],
      traffic: [{ percent: 100, role: 'stable', modelVersionId: 'mv-9' }],
    });
  });

  it('maps UNHEALTHY to NotReady with the deployment conditions, and unknown statuses to Unknown', () => {
    const details = fixture('get-running.json');
    const app = structuredClone(details.applications.classifier);
    app.status = 'UNHEALTHY';
    app.message = 'The deployments ["Model"] are UNHEALTHY.';
    app.deployments.Model.status = 'UNHEALTHY';
    app.deployments.Model.message =
      'The deployment failed to start 3 times in a row.';
    const state = toServedEndpointState(app, { cluster: 'dev', baseUrl: null });
    expect(state).toMatchObject({
      url: null,
      state: 'NotReady',
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'UNHEALTHY',
          message: 'The deployments ["Model"] are UNHEALTHY.',
        },
        {
          type: 'Deployment/Model',
          status: 'False',
          reason: 'UNHEALTHY',
          message: 'The deployment failed to start 3 times in a row.',
        },
      ],
    });
    app.status = 'SOMETHING_NEW';
    app.deployments.Model.status = 'UPSCALING';
    const unknown = toServedEndpointState(app, {
      cluster: 'dev',
      baseUrl: null,
    });
    expect(unknown.state).toBe('Unknown');
    expect(unknown.conditions.map(c => c.status)).toEqual([
      'Unknown',
      'Unknown',
    ]);
  });
});

describe('serveBaseUrl', () => {
  const dashboardUrl = 'http://ray-head.example.com:8265';

  it("uses the proxy's host and port as Serve reports them", () => {
    expect(serveBaseUrl(fixture('get-running.json'), { dashboardUrl })).toBe(
      'http://127.0.0.1:58266',
    );
  });

  it("replaces a wildcard host by the dashboard's host and keeps a root path", () => {
    expect(
      serveBaseUrl(
        {
          applications: {},
          http_options: { host: '0.0.0.0', port: 8000, root_path: '/serve/' },
        },
        { dashboardUrl },
      ),
    ).toBe('http://ray-head.example.com:8000/serve');
    expect(
      serveBaseUrl(
        { applications: {}, http_options: { host: '::1', port: 8000 } },
        { dashboardUrl },
      ),
    ).toBe('http://[::1]:8000');
  });

  it('prefers the configured serveUrl, and is null without it while Serve is not running', () => {
    expect(
      serveBaseUrl(fixture('get-running.json'), {
        dashboardUrl,
        serveUrl: 'https://models.example.com/',
      }),
    ).toBe('https://models.example.com');
    expect(serveBaseUrl(fixture('get-no-serve.json'), { dashboardUrl })).toBe(
      null,
    );
  });
});

describe('summarizeMessage', () => {
  it('drops colour codes and keeps the first and last line', () => {
    expect(
      summarizeMessage(
        "Deploying app 'x' failed:\nTraceback\n  \u001b[36mray::f()\u001b[39m\nValueError: boom\n",
      ),
    ).toBe("Deploying app 'x' failed: ValueError: boom");
    expect(summarizeMessage('')).toBeUndefined();
    expect(summarizeMessage(undefined)).toBeUndefined();
  });
});
