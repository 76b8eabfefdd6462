import type { LlmOpsIntegration } from './integration';
import type { ExternalRef } from './page';

/** @public */
export type PipelineRunState = {
  externalId: string;
  name: string;
  cluster?: string;
  namespace?: string;
  templateName?: string;
  labels: Record<string, string>;
  parameters: Record<string, string>;
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Error';
  progress: string | null;
  nodes: Array<{
    id: string;
    name: string;
    displayName: string;
    type: string;
    phase: string;
    startedAt?: string;
    finishedAt?: string;
    message?: string;
  }>;
  startedAt: number | null;
  finishedAt: number | null;
  url?: string;
};

/**
 * Pipelines (Argo Workflows). Capabilities: `retry`, `stop`, `terminate`, `watch`.
 *
 * @public
 */
export interface OrchestrationAdapter extends LlmOpsIntegration {
  readonly category: 'orchestration';
  submit(input: {
    templateRef: {
      kind: 'WorkflowTemplate' | 'ClusterWorkflowTemplate';
      name: string;
    };
    cluster?: string;
    namespace?: string;
    parameters: Record<string, string>;
    /** Links the workflow to llm-ops entities (pipeline id, run id). */
    labels: Record<string, string>;
  }): Promise<ExternalRef & { name: string }>;
  get(ref: {
    name: string;
    cluster?: string;
    namespace?: string;
  }): Promise<PipelineRunState | undefined>;
  retry?(ref: {
    name: string;
    cluster?: string;
    namespace?: string;
  }): Promise<void>;
  stop?(ref: {
    name: string;
    cluster?: string;
    namespace?: string;
  }): Promise<void>;
  terminate?(ref: {
    name: string;
    cluster?: string;
    namespace?: string;
  }): Promise<void>;
  watch?(
    onChange: (state: PipelineRunState, deleted: boolean) => void,
    signal: AbortSignal,
  ): Promise<void>;
}
