export { TrafficSplit } from './TrafficSplit';
