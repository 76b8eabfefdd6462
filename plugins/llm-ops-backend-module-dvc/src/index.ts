/**
 * The DVC module of the llm-ops backend plugin: a data-versioning adapter per DVC repository that
 * reports datasets, their versions per git revision, and stage lineage from dvc.lock.
 *
 * @packageDocumentation
 */

export { llmOpsModuleDvc as default } from './module';
export * from './adapter';
export { readDvcRepositories } from './config';
export type { DvcRepositoryConfig } from './config';
