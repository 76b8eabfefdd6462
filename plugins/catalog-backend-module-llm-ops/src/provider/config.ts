import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { type Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { durationToMilliseconds, type HumanDuration } from '@backstage/types';

export const CONFIG_PATH = 'catalog.providers.llmOps';

export const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 5 },
  timeout: { minutes: 10 },
  initialDelay: { seconds: 5 },
};
export const DEFAULT_DELTA_FREQUENCY: HumanDuration = { seconds: 5 };
export const DEFAULT_OWNER = 'group:default/ml-platform';

/** `catalog.providers.llmOps`, with defaults filled in. */
export type LlmOpsProviderConfig = {
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** How often changes are polled for; 0 when delta polling is off. */
  deltaFrequencyMs: number;
  defaultOwner: string;
};

/** Reads `catalog.providers.llmOps`, naming the config path in every error. */
export function readProviderConfig(root: Config): LlmOpsProviderConfig {
  const config = root.getOptionalConfig(CONFIG_PATH);
  const schedule = config?.has('schedule')
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        config.getConfig('schedule'),
      )
    : DEFAULT_SCHEDULE;
  const rawDelta = config?.getOptional('deltaFrequency');
  const deltaOff = rawDelta === false || rawDelta === 0;
  const deltaFrequencyMs = deltaOff
    ? 0
    : durationToMilliseconds(
        config?.has('deltaFrequency')
          ? readDurationFromConfig(config, { key: 'deltaFrequency' })
          : DEFAULT_DELTA_FREQUENCY,
      );
  const owner = config?.getOptionalString('defaultOwner') ?? DEFAULT_OWNER;
  let defaultOwner: string;
  try {
    defaultOwner = stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'Group',
        defaultNamespace: 'default',
      }),
    );
  } catch (error) {
    throw new InputError(
      `Invalid ${CONFIG_PATH}.defaultOwner '${owner}': ${
        (error as Error).message
      }`,
    );
  }
  return { schedule, deltaFrequencyMs, defaultOwner };
}
