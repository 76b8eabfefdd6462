import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { PermissionPolicy } from '@backstage/plugin-permission-node';
import { llmOpsPermissionsByResource } from '@llm-ops/backstage-plugin-llm-ops-common';
import { createTestDatabases } from '../__testUtils__/realServices';
import { readFeed } from '../__testUtils__/readFeed';
import {
  specCheckedClient,
  type SpecCheckedClient,
} from '../__testUtils__/specCheckedClient';
import { startWithPolicy } from './__testUtils__/startWithPolicy';
import { denying } from './__testUtils__/denyingPolicy';
import {
  ALICE,
  BOB,
  ownerPolicy,
  ownership,
} from './__testUtils__/ownerPolicy';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const v1 = '/api/llm-ops/v1';

/** Every edge of the feed, following nextCursor. */
const readAll = async (api: SpecCheckedClient, pageSize: number) =>
  (await readFeed<any>(api, `${v1}/pipeline-run-edges`, pageSize)).items;

describe.each(databases.eachSupportedId())(
  'pipeline run edges under permission policies on %s',
  databaseId => {
    /**
     * Alice's and Bob's pipelines, experiments, datasets and models. Alice's pipeline run used,
     * ran and produced one thing of each of them; Bob's only used Alice's team's dataset.
     */
    async function setup(policy: PermissionPolicy) {
      const knex = await databases.init(databaseId);
      const server = await startWithPolicy({ knex, policy, ownership });
      const admin = specCheckedClient(server, mockCredentials.service.header());
      const post = async (path: string, body: object) => {
        const res = await admin.post(`${v1}${path}`, body);
        expect(res.status).toBeLessThan(300);
        return res.body.data;
      };
      const ids: Record<string, string> = {};
      for (const [who, owner] of [
        ['alices', ALICE],
        ['bobs', BOB],
      ]) {
        // Alice's dataset belongs to her team.
        const datasetOwner = who === 'alices' ? 'group:default/nlp' : owner;
        ids[`${who}-exp`] = (
          await post('/experiments', { name: `${who}-exp`, owner })
        ).id;
        ids[`${who}-run`] = (
          await post('/runs', { experimentId: `${who}-exp` })
        ).id;
        await post('/datasets', { name: `${who}-data`, owner: datasetOwner });
        ids[`${who}-data@1`] = (
          await post(`/datasets/${who}-data/versions`, {
            version: '1',
            uri: `s3://${who}/data`,
          })
        ).id;
        await post('/models', { name: `${who}-model`, owner });
        ids[`${who}-model@1`] = (
          await post(`/models/${who}-model/versions`, {
            artifactUri: `s3://${who}/model`,
          })
        ).id;
        await post('/pipelines', {
          name: `${who}-pipeline`,
          runtime: 'builtin',
          owner,
        });
        ids[`${who}-pipeline-run`] = (
          await post(`/pipelines/${who}-pipeline/runs`, {})
        ).id;
      }
      await post(`/pipeline-runs/${ids['alices-pipeline-run']}/links`, {
        used: [ids['alices-data@1'], ids['bobs-data@1']],
        ran: [ids['alices-run'], ids['bobs-run']],
        produced: [ids['alices-model@1'], ids['bobs-model@1']],
      });
      await post(`/pipeline-runs/${ids['bobs-pipeline-run']}/links`, {
        used: [ids['alices-data@1']],
      });
      const names = new Map(Object.entries(ids).map(([n, id]) => [id, n]));
      /** An edge in names: `alices-pipeline-run ran bobs-run (bobs-exp)`. */
      const named = (e: any) =>
        `${names.get(e.pipelineRunId)} ${e.relation} ${names.get(e.toId)}${
          e.experimentId ? ` (${names.get(e.experimentId)})` : ''
        }`;
      const as = (user: string) =>
        specCheckedClient(server, mockCredentials.user.header(user));
      return { as, named };
    }

    const everyEdge = [
      'alices-pipeline-run produced alices-model@1',
      'alices-pipeline-run produced bobs-model@1',
      'alices-pipeline-run ran alices-run (alices-exp)',
      'alices-pipeline-run ran bobs-run (bobs-exp)',
      'alices-pipeline-run used alices-data@1',
      'alices-pipeline-run used bobs-data@1',
      'bobs-pipeline-run used alices-data@1',
    ];

    it('shows a conditional reader the runs of the pipelines they may read, and only edges to what they may read', async () => {
      const { as, named } = await setup(ownerPolicy);
      const alice = (await readAll(as(ALICE), 500)).map(named).sort();
      expect(alice).toEqual([
        'alices-pipeline-run produced alices-model@1',
        'alices-pipeline-run ran alices-run (alices-exp)',
        'alices-pipeline-run used alices-data@1',
      ]);
      // Pages left short by hidden edges still lead to every visible one.
      expect((await readAll(as(ALICE), 1)).map(named).sort()).toEqual(alice);

      // Bob reads his pipeline's run, but not Alice's team's dataset it used.
      expect((await readAll(as(BOB), 500)).map(named)).toEqual([]);
    });

    it('leaves out every edge to a kind whose read the policy denies', async () => {
      const { as, named } = await setup(
        denying(llmOpsPermissionsByResource.dataset.read.name),
      );
      expect((await readAll(as(ALICE), 2)).map(named).sort()).toEqual(
        everyEdge.filter(e => !e.includes('-data@')),
      );
      const noRuns = await setup(
        denying(llmOpsPermissionsByResource.run.read.name),
      );
      expect(
        (await readAll(noRuns.as(BOB), 500)).map(noRuns.named).sort(),
      ).toEqual(everyEdge.filter(e => !e.includes(' ran ')));
    });

    it('answers 403 when the policy denies reading pipelines, whatever else it allows', async () => {
      const { as } = await setup(
        denying(llmOpsPermissionsByResource.pipeline.read.name),
      );
      const res = await as(ALICE).get(`${v1}/pipeline-run-edges`);
      expect(res.status).toBe(403);
      expect(res.body.message).toContain('llm-ops.pipeline.read');
    });

    it('shows everything to a caller the policy allows everything', async () => {
      const { as, named } = await setup({
        handle: async () => ({ result: AuthorizeResult.ALLOW }),
      });
      expect((await readAll(as(ALICE), 3)).map(named).sort()).toEqual(
        everyEdge,
      );
    });
  },
);
