import type { Config } from '@backstage/config';
import { readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, type HumanDuration } from '@backstage/types';
import { DEFAULT_RESILIENCE, type ResilienceOptions } from './resilience';

export type LlmOpsConfig = {
  /** Adapter id chosen per category; undefined means the first registered one, or built-in. */
  adapters: Partial<
    Record<
      | 'experimentTracking'
      | 'modelRegistry'
      | 'serving'
      | 'orchestration'
      | 'dataVersioning',
      string
    >
  >;
  /** Integrations switched off by config (feature flags). */
  disabled: Set<string>;
  resilience: ResilienceOptions;
  syncIntervalMs: number;
  fullReconcileIntervalMs: number;
  /**
   * How far back an incremental pass re-reads runs still RUNNING in the tool. Older ones, often
   * runs whose job died without ending them, are refreshed by the full reconcile only.
   */
  runningRunsWindowMs: number;
  /** How often read-only sources (Hugging Face imports, DVC repositories) are re-read. */
  sourceSyncIntervalMs: number;
  outboxIntervalMs: number;
  demoData: { enabled: boolean; file: string };
};

const ms = (
  config: Config | undefined,
  key: string,
  fallback: HumanDuration,
): number =>
  durationToMilliseconds(
    config?.has(key) ? readDurationFromConfig(config, { key }) : fallback,
  );

/** Reads `llmOps` from app-config, naming the config path in every error. */
export function readLlmOpsConfig(root: Config): LlmOpsConfig {
  const config = root.getOptionalConfig('llmOps');
  const adapters: LlmOpsConfig['adapters'] = {};
  for (const key of [
    'experimentTracking',
    'modelRegistry',
    'serving',
    'orchestration',
    'dataVersioning',
  ] as const) {
    const value = config?.getOptionalString(`adapters.${key}`);
    if (value) adapters[key] = value;
  }
  const disabled = new Set<string>();
  for (const entry of config?.getOptionalConfigArray('integrations') ?? []) {
    if (entry.getOptionalBoolean('enabled') === false)
      disabled.add(entry.getString('id'));
  }
  const resilience = config?.getOptionalConfig('resilience');
  return {
    adapters,
    disabled,
    resilience: {
      timeoutMs:
        resilience?.getOptionalNumber('timeoutMs') ??
        DEFAULT_RESILIENCE.timeoutMs,
      retries:
        resilience?.getOptionalNumber('retries') ?? DEFAULT_RESILIENCE.retries,
      breakerThreshold:
        resilience?.getOptionalNumber('breakerThreshold') ??
        DEFAULT_RESILIENCE.breakerThreshold,
      halfOpenAfterMs:
        resilience?.getOptionalNumber('halfOpenAfterMs') ??
        DEFAULT_RESILIENCE.halfOpenAfterMs,
    },
    syncIntervalMs: ms(config, 'sync.frequency', { seconds: 10 }),
    fullReconcileIntervalMs: ms(config, 'sync.fullReconcileFrequency', {
      minutes: 10,
    }),
    runningRunsWindowMs: ms(config, 'sync.runningRunsWindow', { days: 7 }),
    sourceSyncIntervalMs: ms(config, 'sync.sourcesFrequency', { minutes: 5 }),
    outboxIntervalMs: ms(config, 'outbox.frequency', { seconds: 5 }),
    demoData: {
      enabled: config?.getOptionalBoolean('demoData.enabled') ?? false,
      // Relative to the backend's working directory (packages/backend under `make start`).
      file:
        config?.getOptionalString('demoData.file') ??
        '../../examples/llm-ops-demo.yaml',
    },
  };
}
