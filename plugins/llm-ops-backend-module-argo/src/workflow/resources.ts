import type { CustomResourceType } from '@llm-ops/backstage-plugin-llm-ops-backend-module-kserve';

const group = 'argoproj.io';
const version = 'v1alpha1';

/** `argoproj.io/v1alpha1` Workflows. */
export const WORKFLOWS: CustomResourceType = {
  group,
  version,
  plural: 'workflows',
  namespaced: true,
};

export const WORKFLOW_TEMPLATES: CustomResourceType = {
  group,
  version,
  plural: 'workflowtemplates',
  namespaced: true,
};

export const CLUSTER_WORKFLOW_TEMPLATES: CustomResourceType = {
  group,
  version,
  plural: 'clusterworkflowtemplates',
  namespaced: false,
};

/**
 * The labels Argo itself puts on a Workflow submitted from a template (its server and CLI do;
 * the UI filters on them).
 */
export const TEMPLATE_LABELS = {
  WorkflowTemplate: 'workflows.argoproj.io/workflow-template',
  ClusterWorkflowTemplate: 'workflows.argoproj.io/cluster-workflow-template',
} as const;

/** The phases after which a Workflow does not change any more. */
export const COMPLETED_PHASES: ReadonlySet<string> = new Set([
  'Succeeded',
  'Failed',
  'Error',
]);
