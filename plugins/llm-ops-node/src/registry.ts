import type { LlmOpsIntegration } from './integration';
import type { ExternalRef, Page } from './page';

/** @public */
export type RegisteredModelRecord = {
  externalId: string;
  name: string;
  description?: string;
  tags: Record<string, string>;
  aliases: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  url?: string;
};

/** @public */
export type ModelVersionRecord = {
  externalId: string;
  modelName: string;
  version: string;
  description?: string;
  /** The tracking tool's run id, when the version was registered from a run. */
  sourceRunExternalId?: string;
  artifactUri: string;
  status: 'READY' | 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION';
  tags: Record<string, string>;
  aliases: string[];
  createdAt: number;
  updatedAt: number;
  url?: string;
  /** The files of the version with their sizes, where the registry lists them (the Hub does). */
  files?: { path: string; sizeBytes: number; lfs: boolean }[];
};

/**
 * A model registry (MLflow's, the Hugging Face Hub's). Capabilities: `aliases`, `write`, and
 * `import` for a read-only source whose models are imported into the store next to those of the
 * active registry (the Hub): an `import` adapter is never the active one and is synced on its own
 * schedule, whatever `llmOps.adapters.modelRegistry` says.
 *
 * @public
 */
export interface ModelRegistryAdapter extends LlmOpsIntegration {
  readonly category: 'model-registry';
  listModels(options: {
    updatedSince?: number;
    pageToken?: string;
  }): Promise<Page<RegisteredModelRecord>>;
  listVersions(
    modelName: string,
    pageToken?: string,
  ): Promise<Page<ModelVersionRecord>>;
  createModel?(input: {
    llmOpsId: string;
    name: string;
    description?: string | null;
    tags?: Record<string, string>;
  }): Promise<ExternalRef>;
  createVersion?(input: {
    modelName: string;
    artifactUri: string;
    sourceRunExternalId?: string;
    description?: string | null;
    tags?: Record<string, string>;
  }): Promise<ModelVersionRecord>;
  setAlias?(modelName: string, alias: string, version: string): Promise<void>;
  deleteAlias?(modelName: string, alias: string): Promise<void>;
}
