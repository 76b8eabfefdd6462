export { RayDashboardClient } from './RayDashboardClient';
export type { RayDashboardClientOptions } from './RayDashboardClient';
export {
  RayServeApiError,
  RayServeRequestError,
  RayServeAdapterError,
} from './errors';
