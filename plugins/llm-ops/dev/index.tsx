// Runs the frontend plugin on its own: `yarn start` in this folder (needs the backend on :7007).
import { createDevApp } from '@backstage/frontend-dev-utils';
import plugin from '../src';

createDevApp({ features: [plugin] });
