export {
  DatasetsRouter,
  EndpointsRouter,
  ExperimentsRouter,
  LineageRouter,
  ModelsRouter,
  PipelinesRouter,
} from './Routers';
