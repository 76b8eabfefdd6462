/**
 * Labels and annotations the llm-ops tool modules put on the Kubernetes objects they create.
 *
 * @public
 */
export const LLM_OPS_LABELS = {
  /** `llm-ops` on every object the suite creates; lists and watches select on it. */
  managedBy: 'app.kubernetes.io/managed-by',
  /**
   * The configured name of the cluster the object was created through. Two config entries for
   * the same API server (for example with different default namespaces) each see only their own
   * objects.
   */
  cluster: 'llm-ops/cluster',
} as const;

/** @public */
export const MANAGED_BY_VALUE = 'llm-ops';

/**
 * The label selector of the objects one configured cluster manages.
 *
 * @public
 */
export function managedSelector(clusterName: string): string {
  return `${LLM_OPS_LABELS.managedBy}=${MANAGED_BY_VALUE},${LLM_OPS_LABELS.cluster}=${clusterName}`;
}

/**
 * The labels every object created through the cluster `clusterName` gets.
 *
 * @public
 */
export function managedLabels(clusterName: string): Record<string, string> {
  return {
    [LLM_OPS_LABELS.managedBy]: MANAGED_BY_VALUE,
    [LLM_OPS_LABELS.cluster]: clusterName,
  };
}
