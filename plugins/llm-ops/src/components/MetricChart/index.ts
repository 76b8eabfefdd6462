export { MetricChart, overlay } from './MetricChart';
export { useMetricHistories, MAX_POINTS } from './useMetricHistories';
