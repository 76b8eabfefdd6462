export { SyncedAt } from './SyncedAt';
