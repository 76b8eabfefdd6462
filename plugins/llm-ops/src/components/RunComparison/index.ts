export { RunComparison, comparisonRows } from './RunComparison';
