/*
 * The LLM Ops catalog kinds (apiVersion llm-ops.io/v1alpha1): entity types, JSON Schemas and
 * validators, shared by the catalog module, the frontend and anyone writing catalog-info.yaml.
 */
export * from './constants';
export * from './common';
export * from './ExperimentEntityV1alpha1';
export * from './ModelEntityV1alpha1';
export * from './EndpointEntityV1alpha1';
export * from './DatasetEntityV1alpha1';
export * from './PipelineEntityV1alpha1';
export * from './validators';
