export { RunSearchBox } from './RunSearchBox';
