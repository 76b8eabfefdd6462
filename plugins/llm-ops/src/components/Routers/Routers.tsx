import { Route, Routes, useParams, useSearchParams } from 'react-router-dom';
import { DatasetPage } from '../DatasetPage';
import { DatasetsPage } from '../DatasetsPage';
import { EndpointPage } from '../EndpointPage';
import { EndpointsPage } from '../EndpointsPage';
import { ExperimentPage } from '../ExperimentPage';
import { ExperimentsPage } from '../ExperimentsPage';
import { LineagePage } from '../LineagePage';
import { ModelPage } from '../ModelPage';
import { ModelsPage } from '../ModelsPage';
import { PipelinePage } from '../PipelinePage';
import { PipelineRunPage } from '../PipelineRunPage';
import { PipelinesPage } from '../PipelinesPage';
import { RunPage } from '../RunPage';

/*
 * Each tab of /llm-ops is a sub-page mounted at `<tab>/*`; these routers split it into the list
 * (`/`) and the detail pages, matching the sub-route refs in ../../routes.ts.
 */

const Experiment = () => <ExperimentPage idOrName={useParams().name!} />;
const Run = () => <RunPage runId={useParams().runId!} />;
const Endpoint = () => <EndpointPage idOrName={useParams().name!} />;
const Pipeline = () => <PipelinePage idOrName={useParams().name!} />;
const PipelineRun = () => <PipelineRunPage runId={useParams().runId!} />;
const Lineage = () => {
  const { type, id } = useParams();
  return <LineagePage type={type} id={id} />;
};
const Model = () => {
  const [search] = useSearchParams();
  return (
    <ModelPage
      idOrName={useParams().name!}
      version={search.get('version') ?? undefined}
    />
  );
};
const Dataset = () => {
  const [search] = useSearchParams();
  return (
    <DatasetPage
      idOrName={useParams().name!}
      version={search.get('version') ?? undefined}
    />
  );
};

export const ExperimentsRouter = () => (
  <Routes>
    <Route path="/" element={<ExperimentsPage />} />
    <Route path="runs/:runId" element={<Run />} />
    <Route path=":name" element={<Experiment />} />
  </Routes>
);

export const ModelsRouter = () => (
  <Routes>
    <Route path="/" element={<ModelsPage />} />
    <Route path=":name" element={<Model />} />
  </Routes>
);

export const EndpointsRouter = () => (
  <Routes>
    <Route path="/" element={<EndpointsPage />} />
    <Route path=":name" element={<Endpoint />} />
  </Routes>
);

export const DatasetsRouter = () => (
  <Routes>
    <Route path="/" element={<DatasetsPage />} />
    <Route path=":name" element={<Dataset />} />
  </Routes>
);

export const PipelinesRouter = () => (
  <Routes>
    <Route path="/" element={<PipelinesPage />} />
    <Route path="runs/:runId" element={<PipelineRun />} />
    <Route path=":name" element={<Pipeline />} />
  </Routes>
);

export const LineageRouter = () => (
  <Routes>
    <Route path="/" element={<LineagePage />} />
    <Route path=":type/:id" element={<Lineage />} />
  </Routes>
);
