import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';

const titles = {
  experiment: 'Runs',
  model: 'Versions',
  endpoint: 'Serving',
  dataset: 'Versions',
  pipeline: 'Runs',
} as const;

function entityContentFor(kind: keyof typeof titles) {
  return EntityContentBlueprint.make({
    name: kind,
    params: {
      path: 'llm-ops',
      title: titles[kind],
      filter: `kind:${kind}`,
      loader: () =>
        import('./components/EntityLlmOps').then(m => (
          <m.EntityLlmOpsContent />
        )),
    },
  });
}

/** The LLM Ops tab of Experiment entities: the runs, search, comparison and charts. */
export const experimentEntityContent = entityContentFor('experiment');
/** The LLM Ops tab of Model entities: versions, aliases, where each is served, lineage. */
export const modelEntityContent = entityContentFor('model');
/** The LLM Ops tab of Endpoint entities: conditions, traffic, promote and roll back, lineage. */
export const endpointEntityContent = entityContentFor('endpoint');
/** The LLM Ops tab of Dataset entities: versions, size, schema, the runs that used them. */
export const datasetEntityContent = entityContentFor('dataset');
/** The LLM Ops tab of Pipeline entities: runs with phase and step status. */
export const pipelineEntityContent = entityContentFor('pipeline');
