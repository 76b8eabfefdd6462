export { LineagePanel } from './LineagePanel';
export { useLineage } from './useLineage';
