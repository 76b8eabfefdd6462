export { ParallelCoordinates, buildAxis, valueOf } from './ParallelCoordinates';
