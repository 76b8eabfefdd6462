import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Knex } from 'knex';
import { llmOpsPlugin } from '../plugin';

/**
 * The llm-ops plugin in a test backend on the given database (from TestDatabases), optionally
 * with every permission denied and with an auditor mock to assert on.
 */
export async function startLlmOpsBackend(options: {
  knex: Knex;
  deny?: boolean;
  auditor?: ReturnType<typeof mockServices.auditor.mock>;
}) {
  const features: any[] = [
    llmOpsPlugin,
    mockServices.database.factory({ knex: options.knex }),
  ];
  if (options.deny) {
    features.push(
      mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
    );
  }
  if (options.auditor) features.push(options.auditor.factory);
  const { server } = await startTestBackend({ features });
  return server;
}
