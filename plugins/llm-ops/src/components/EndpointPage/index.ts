export { EndpointPage, CanaryActions } from './EndpointPage';
