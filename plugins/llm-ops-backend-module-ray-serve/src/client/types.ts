/**
 * The parts of Ray Serve's REST API schema (`ray.serve.schema`, Ray 2.60) that the adapter reads
 * or writes. Ray sends more fields; they are kept as they are and ignored.
 */

/** An application in a `ServeDeploySchema` (`ServeApplicationSchema`). */
export type ServeApplicationConfig = {
  name: string;
  route_prefix?: string | null;
  import_path: string;
  runtime_env?: Record<string, unknown>;
  args?: Record<string, unknown>;
  deployments?: ServeDeploymentConfig[];
  [key: string]: unknown;
};

/** A deployment's overrides in an application config (`DeploymentSchema`). */
export type ServeDeploymentConfig = {
  name: string;
  num_replicas?: number | 'auto';
  autoscaling_config?: Record<string, unknown>;
  ray_actor_options?: Record<string, unknown>;
  [key: string]: unknown;
};

/** The body of `PUT /api/serve/applications/` (`ServeDeploySchema`): the whole set of apps. */
export type ServeDeployConfig = {
  proxy_location?: string;
  http_options?: Record<string, unknown>;
  grpc_options?: Record<string, unknown>;
  target_capacity?: number;
  applications: ServeApplicationConfig[];
};

/** `ApplicationStatus` in Ray Serve. */
export type ServeApplicationStatus =
  | 'NOT_STARTED'
  | 'DEPLOYING'
  | 'DEPLOY_FAILED'
  | 'RUNNING'
  | 'UNHEALTHY'
  | 'DELETING';

/** A deployment of a running application (`DeploymentDetails`). */
export type ServeDeploymentDetails = {
  name: string;
  /** `UPDATING`, `HEALTHY`, `UNHEALTHY`, `DEPLOY_FAILED`, `UPSCALING` or `DOWNSCALING`. */
  status: string;
  status_trigger?: string;
  message?: string;
  deployment_config?: ServeDeploymentConfig;
  target_num_replicas?: number;
  replicas?: Array<{ replica_id?: string; state?: string }>;
  [key: string]: unknown;
};

/** An application as `GET /api/serve/applications/` reports it (`ApplicationDetails`). */
export type ServeApplicationDetails = {
  name: string;
  route_prefix?: string | null;
  status: ServeApplicationStatus | string;
  message?: string;
  last_deployed_time_s?: number;
  /** The config it was deployed with; null for applications deployed from Python (`serve.run`). */
  deployed_app_config?: ServeApplicationConfig | null;
  /** `declarative` (the REST API or `serve deploy`) or `imperative` (`serve.run`). */
  source?: string;
  deployments?: Record<string, ServeDeploymentDetails>;
  [key: string]: unknown;
};

/** The answer of `GET /api/serve/applications/` (`ServeInstanceDetails`). */
export type ServeInstanceDetails = {
  proxy_location?: string | null;
  /** Absent while Serve is not running on the cluster. */
  http_options?: { host?: string; port?: number; root_path?: string } & Record<
    string,
    unknown
  >;
  grpc_options?: Record<string, unknown> | null;
  applications: Record<string, ServeApplicationDetails>;
  target_capacity?: number | null;
  [key: string]: unknown;
};
