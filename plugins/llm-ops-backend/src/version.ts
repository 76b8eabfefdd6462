import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { readFileSync } from 'node:fs';

/** The version of this package, as published; reported by the health endpoint. */
export const PLUGIN_VERSION: string = JSON.parse(
  readFileSync(
    resolvePackagePath(
      '@llm-ops/backstage-plugin-llm-ops-backend',
      'package.json',
    ),
    'utf8',
  ),
).version;
