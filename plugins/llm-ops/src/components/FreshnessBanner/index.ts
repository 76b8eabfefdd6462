export { FreshnessBanner } from './FreshnessBanner';
