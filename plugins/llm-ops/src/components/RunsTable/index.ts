export { RunsTable, runOrderBy } from './RunsTable';
