export { AssetHeader } from './AssetHeader';
