export { EndpointsPage, trafficSummary } from './EndpointsPage';
