export { ModelPage, ModelVersions } from './ModelPage';
export { useModelServing } from './useModelServing';
