import { MlflowClient } from '../client';
import type { MlflowInstanceConfig } from '../config';

/**
 * What an MLflow adapter needs; the tracking and registry adapters of one instance can share the
 * client.
 *
 * @public
 */
export type MlflowAdapterOptions = {
  /** The instance id from config; the adapter's id is `mlflow:<instanceId>`. */
  instanceId: string;
  client: MlflowClient;
  /** Base of the links into MLflow's UI. */
  uiBaseUrl: string;
};

/**
 * The MLflow client for one configured instance.
 *
 * @public
 */
export function createMlflowClient(
  instance: MlflowInstanceConfig,
): MlflowClient {
  return new MlflowClient({
    baseUrl: instance.baseUrl,
    auth: instance.auth,
    timeoutMs: instance.timeoutMs,
  });
}
