export { RunStatusChip } from './RunStatusChip';
