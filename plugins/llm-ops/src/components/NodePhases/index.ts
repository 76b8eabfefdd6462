export { NodePhases } from './NodePhases';
