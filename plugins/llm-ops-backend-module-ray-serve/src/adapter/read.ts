import type { ServedEndpointState } from '@llm-ops/backstage-plugin-llm-ops-node';
import { plainText } from '../client/errors';
import type {
  ServeApplicationDetails,
  ServeInstanceDetails,
} from '../client/types';

type Condition = ServedEndpointState['conditions'][number];

/**
 * Where clients reach Serve's HTTP proxy: the configured `serveUrl`, else the host and port of
 * the `http_options` that Serve reports (a wildcard host is replaced by the dashboard's host).
 * Null while Serve is not running and no `serveUrl` is configured.
 */
export function serveBaseUrl(
  details: ServeInstanceDetails,
  options: { serveUrl?: string; dashboardUrl: string },
): string | null {
  if (options.serveUrl) return options.serveUrl.replace(/\/+$/, '');
  const http = details.http_options;
  if (!http || typeof http.port !== 'number') return null;
  let host = typeof http.host === 'string' ? http.host : '';
  if (host === '' || host === '0.0.0.0' || host === '::') {
    host = new URL(options.dashboardUrl).hostname;
  } else if (host.includes(':') && !host.startsWith('[')) {
    host = `[${host}]`;
  }
  const rootPath =
    typeof http.root_path === 'string'
      ? http.root_path.replace(/\/+$/, '')
      : '';
  return `http://${host}:${http.port}${rootPath}`;
}

/**
 * What Ray Serve reports about an application, as llm-ops' ServedEndpointState.
 *
 * - `state`: `RUNNING` is Ready; `NOT_STARTED`, `DEPLOYING`, `DEPLOY_FAILED`, `UNHEALTHY` and
 *   `DELETING` are NotReady; anything else is Unknown.
 * - `conditions`: `Ready`, with the application status as its reason and Serve's message (for a
 *   failure: what failed and the exception, without the traceback), then one
 *   `Deployment/<name>` condition per deployment (`HEALTHY` is True, `UNHEALTHY` and
 *   `DEPLOY_FAILED` are False, the transitional ones Unknown).
 * - `traffic`: Serve sends all of an application's requests to its one deployment graph, so the
 *   model version in the application's `args` has 100%.
 */
export function toServedEndpointState(
  app: ServeApplicationDetails,
  options: { cluster: string; baseUrl: string | null },
): ServedEndpointState {
  const config = app.deployed_app_config ?? undefined;
  const routePrefix =
    stringOr(app.route_prefix) ?? stringOr(config?.route_prefix);
  const url =
    options.baseUrl && routePrefix
      ? `${options.baseUrl}${routePrefix === '/' ? '/' : routePrefix}`
      : null;
  const status = String(app.status ?? '');
  const ready: Condition = {
    type: 'Ready',
    status: status === 'RUNNING' ? 'True' : readyStatus(status),
  };
  if (status) ready.reason = status;
  const message = summarizeMessage(app.message);
  if (message) ready.message = message;
  if (typeof app.last_deployed_time_s === 'number') {
    ready.lastTransitionTime = new Date(
      app.last_deployed_time_s * 1000,
    ).toISOString();
  }
  const conditions: Condition[] = [ready];
  for (const deployment of Object.values(app.deployments ?? {})) {
    if (!deployment || typeof deployment.name !== 'string') continue;
    const condition: Condition = {
      type: `Deployment/${deployment.name}`,
      status: deploymentStatus(deployment.status),
    };
    if (stringOr(deployment.status)) condition.reason = deployment.status;
    const deploymentMessage = summarizeMessage(deployment.message);
    if (deploymentMessage) condition.message = deploymentMessage;
    conditions.push(condition);
  }

  const modelVersionId = stringOr(config?.args?.model_version_id);
  return {
    name: app.name,
    cluster: options.cluster,
    url,
    state: stateOf(status),
    conditions,
    traffic: [
      {
        percent: 100,
        role: 'stable',
        ...(modelVersionId ? { modelVersionId } : {}),
      },
    ],
  };
}

const NOT_READY = new Set([
  'NOT_STARTED',
  'DEPLOYING',
  'DEPLOY_FAILED',
  'UNHEALTHY',
  'DELETING',
]);

function stateOf(status: string): ServedEndpointState['state'] {
  if (status === 'RUNNING') return 'Ready';
  if (NOT_READY.has(status)) return 'NotReady';
  return 'Unknown';
}

function readyStatus(status: string): Condition['status'] {
  return NOT_READY.has(status) ? 'False' : 'Unknown';
}

function deploymentStatus(status: unknown): Condition['status'] {
  if (status === 'HEALTHY') return 'True';
  if (status === 'UNHEALTHY' || status === 'DEPLOY_FAILED') return 'False';
  return 'Unknown';
}

/**
 * Serve's messages for failures are Python tracebacks with colour codes, kilobytes long. The
 * condition keeps the first line (what failed) and the last (the exception), e.g.
 * "Deploying app 'x' failed with exception: ... ModuleNotFoundError: No module named 'y'".
 */
export function summarizeMessage(message: unknown): string | undefined {
  if (typeof message !== 'string') return undefined;
  const lines = plainText(message)
    .split('\n')
    .map(line => line.trim())
    .filter(line => line !== '');
  if (lines.length === 0) return undefined;
  if (lines.length === 1) return lines[0];
  const summary = `${lines[0]} ${lines[lines.length - 1]}`;
  return summary.length > 2000 ? `${summary.slice(0, 1997)}...` : summary;
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
