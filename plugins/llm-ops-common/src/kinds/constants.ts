/**
 * The apiVersion of the LLM Ops catalog kinds.
 *
 * @public
 */
export const LLM_OPS_API_VERSION = 'llm-ops.io/v1alpha1';

/**
 * The five LLM Ops catalog kinds.
 *
 * @public
 */
export const LLM_OPS_KINDS = [
  'Experiment',
  'Model',
  'Endpoint',
  'Dataset',
  'Pipeline',
] as const;

/**
 * One of {@link LLM_OPS_KINDS}.
 *
 * @public
 */
export type LlmOpsKind = (typeof LLM_OPS_KINDS)[number];

/**
 * Annotations that link an entity to the llm-ops store and to the tool the asset comes from.
 *
 * @public
 */
export const LLM_OPS_ANNOTATIONS = {
  /** The llm-ops id (UUID) of the asset. A hand-written entity that sets it claims the asset. */
  id: 'llm-ops.io/id',
  /** The integration the asset comes from, e.g. `mlflow:prod`, `kserve:east`, `builtin`. */
  sourceIntegration: 'llm-ops.io/source-integration',
  /** The asset in its tool's own UI. */
  sourceUrl: 'llm-ops.io/source-url',
  /** The MLflow experiment id of an Experiment. */
  mlflowExperimentId: 'mlflow.org/experiment-id',
  /** `namespace/name` of the KServe InferenceService behind an Endpoint. */
  kserveInferenceService: 'kserve.io/inference-service',
  /** The cluster the InferenceService runs on. */
  kserveCluster: 'kserve.io/cluster',
  /** The repository where DVC tracks a Dataset. */
  dvcRepository: 'dvc.org/repository',
  /** The path of the Dataset inside the DVC repository. */
  dvcPath: 'dvc.org/path',
  /** The Hugging Face Hub repository id of a Model or Dataset. */
  huggingFaceRepoId: 'huggingface.co/repo-id',
  /** The Argo WorkflowTemplate (or `ClusterWorkflowTemplate/name`) behind a Pipeline. */
  argoWorkflowTemplate: 'argoproj.io/workflow-template',
} as const;

/**
 * The relations between LLM Ops entities, each with its inverse. The built-in `ownedBy`,
 * `partOf` and `dependencyOf` (with `ownerOf`, `hasPart` and `dependsOn`) are used as well.
 *
 * @public
 */
export const LLM_OPS_RELATIONS = {
  /** Experiment to the Datasets its runs trained on. */
  trainedOn: 'trainedOn',
  /** Dataset to the Experiments that trained on it. */
  trainingDataOf: 'trainingDataOf',
  /** Model to the Experiments (or Pipeline to the assets) that produced it. */
  producedBy: 'producedBy',
  /** Experiment to the Models it produced; Pipeline to the Datasets, Experiments and Models it produces. */
  produces: 'produces',
  /** Endpoint to the Models it serves. */
  serves: 'serves',
  /** Model to the Endpoints that serve it. */
  servedBy: 'servedBy',
  /** Pipeline to the Datasets and Models it reads. */
  consumes: 'consumes',
  /** Dataset or Model to the Pipelines that read it. */
  consumedBy: 'consumedBy',
} as const;
