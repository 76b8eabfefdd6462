import { createServer } from 'node:net';
// The tracking tool the llm-ops plugin writes through; here it is configured but down.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import mlflowModule from '@llm-ops/backstage-plugin-llm-ops-backend-module-mlflow';
import { mockServices } from '@backstage/backend-test-utils';
import {
  actionContext,
  createTestDatabases,
  startLlmOps,
  uniqueName,
  type LlmOpsTestBackend,
} from './__testUtils__/llmOpsBackend';
import { createExperimentCreateAction } from './actions/experimentCreate';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** A loopback port nothing listens on: connections to it are refused, like a dead MLflow. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise(resolve => server.close(resolve));
  return port;
}

describe.each(databases.eachSupportedId())(
  'writes queued while the tracking tool is down, on %s',
  databaseId => {
    let llmOps: LlmOpsTestBackend;

    beforeAll(async () => {
      const port = await closedPort();
      llmOps = await startLlmOps({
        knex: await databases.init(databaseId),
        features: [
          mlflowModule,
          // The sync and outbox relay stay idle: the tool is meant to stay down.
          mockServices.scheduler.mock().factory,
        ],
        config: {
          llmOps: {
            mlflow: {
              instances: [
                {
                  id: 'down',
                  baseUrl: `http://127.0.0.1:${port}`,
                  timeoutMs: 500,
                },
              ],
            },
            resilience: {
              timeoutMs: 500,
              retries: 0,
              breakerThreshold: 1,
              halfOpenAfterMs: 60_000,
            },
          },
        },
      });
    });

    it('llm-ops:experiment:create reports "queued" in the task log and its outputs', async () => {
      const name = uniqueName('exp');
      const action = createExperimentCreateAction(llmOps.actionOptions);
      const { ctx, outputs, lines } = actionContext({ name });
      await action.handler(ctx);

      expect(outputs).toMatchObject({
        name,
        queued: true,
        outboxId: expect.any(Number),
        created: true,
      });
      expect(lines).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^warn: Experiment '${name}' queued: mlflow:down is unavailable, so the write waits in the llm-ops outbox \\(entry \\d+\\)`,
          ),
        ),
      );
      const entry = await llmOps.api.get(`/v1/outbox/${outputs.outboxId}`);
      expect(entry).toMatchObject({
        state: 'pending',
        integration: 'mlflow:down',
      });
      // The store shows the experiment already (provisional until the replay).
      expect(await llmOps.api.get(`/v1/experiments/${name}`)).toMatchObject({
        id: outputs.experimentId,
      });
    });
  },
);
