/**
 * The tool categories the suite integrates, one adapter interface each.
 *
 * @public
 */
export type IntegrationCategory =
  | 'experiment-tracking'
  | 'model-registry'
  | 'serving'
  | 'orchestration'
  | 'data-versioning';

/**
 * What an integration reports about itself; the integrations endpoint and the overview show it.
 *
 * @public
 */
export type IntegrationHealth = {
  state: 'up' | 'degraded' | 'down';
  /** The last error the tool answered with, without secrets. */
  lastError?: string;
  lastSuccessAt?: string;
  latencyMs?: number;
};

/**
 * What every adapter has in common: an id unique in the config, the category it serves, the
 * optional features it supports (asked for by the backend instead of checking the adapter's
 * type), and a health check.
 *
 * @public
 */
export interface LlmOpsIntegration {
  readonly id: string;
  readonly category: IntegrationCategory;
  readonly capabilities: ReadonlySet<string>;
  checkHealth(): Promise<IntegrationHealth>;
}
