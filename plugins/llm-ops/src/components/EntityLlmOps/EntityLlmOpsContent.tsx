import { EmptyState } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { LLM_OPS_ID_ANNOTATION, llmOpsIdOf } from '../../annotations';
import { DatasetPage } from '../DatasetPage';
import { EndpointPage } from '../EndpointPage';
import { ExperimentPage } from '../ExperimentPage';
import { ModelPage } from '../ModelPage';
import { PipelinePage } from '../PipelinePage';

export const MissingAnnotation = () => (
  <EmptyState
    missing="field"
    title="Not linked to LLM Ops"
    description={`This entity has no ${LLM_OPS_ID_ANNOTATION} annotation naming its llm-ops resource.`}
  />
);

/**
 * The LLM Ops tab of an Experiment, Model, Endpoint, Dataset or Pipeline entity: the same page
 * as under /llm-ops, for the resource named by the entity's llm-ops.io/id annotation.
 */
export const EntityLlmOpsContent = () => {
  const { entity } = useEntity();
  const id = llmOpsIdOf(entity);
  if (!id) return <MissingAnnotation />;
  switch (entity.kind.toLowerCase()) {
    case 'experiment':
      return <ExperimentPage idOrName={id} />;
    case 'model':
      return <ModelPage idOrName={id} />;
    case 'endpoint':
      return <EndpointPage idOrName={id} />;
    case 'dataset':
      return <DatasetPage idOrName={id} />;
    case 'pipeline':
      return <PipelinePage idOrName={id} />;
    default:
      return <MissingAnnotation />;
  }
};
