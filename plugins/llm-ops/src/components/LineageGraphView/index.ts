export { LineageGraphView } from './LineageGraphView';
export { layoutLineage, columnOf } from './layout';
