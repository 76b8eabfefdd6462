import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';

function entityCardFor(kind: string) {
  return EntityCardBlueprint.make({
    name: `${kind}-status`,
    params: {
      filter: `kind:${kind}`,
      loader: () =>
        import('./components/EntityLlmOps').then(m => <m.EntityLlmOpsCard />),
    },
  });
}

/** `entity-card:llm-ops/experiment-status`: the latest runs of the experiment. */
export const experimentEntityCard = entityCardFor('experiment');
/** `entity-card:llm-ops/model-status`: latest version and aliases. */
export const modelEntityCard = entityCardFor('model');
/** `entity-card:llm-ops/endpoint-status`: state, URL, traffic split, promote and roll back. */
export const endpointEntityCard = entityCardFor('endpoint');
/** `entity-card:llm-ops/dataset-status`: the latest version, its size and format. */
export const datasetEntityCard = entityCardFor('dataset');
/** `entity-card:llm-ops/pipeline-status`: the latest runs and their phase. */
export const pipelineEntityCard = entityCardFor('pipeline');
