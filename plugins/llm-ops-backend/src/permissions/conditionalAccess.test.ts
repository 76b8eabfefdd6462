import { mockCredentials } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  isResourcePermission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type { PermissionPolicy } from '@backstage/plugin-permission-node';
import {
  LLM_OPS_ASSET_RESOURCE_TYPE,
  llmOpsPermissionsByResource,
} from '@llm-ops/backstage-plugin-llm-ops-common';
import { createTestDatabases } from '../__testUtils__/realServices';
import { specCheckedClient } from '../__testUtils__/specCheckedClient';
import {
  createLlmOpsAssetConditionalDecision,
  llmOpsAssetConditions,
} from './conditionExports';
import { startWithPolicy } from './__testUtils__/startWithPolicy';
import {
  ALICE,
  BOB,
  ownerPolicy,
  ownership,
} from './__testUtils__/ownerPolicy';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const v1 = '/api/llm-ops/v1';
/** Reads of anything tagged visibility=public or owned; no conditions on other actions. */
const publicOrOwnedPolicy: PermissionPolicy = {
  async handle(request, user): Promise<PolicyDecision> {
    if (
      isResourcePermission(request.permission, LLM_OPS_ASSET_RESOURCE_TYPE) &&
      request.permission.attributes.action === 'read'
    ) {
      return createLlmOpsAssetConditionalDecision(request.permission, {
        anyOf: [
          llmOpsAssetConditions.hasTag({ key: 'visibility', value: 'public' }),
          llmOpsAssetConditions.isOwner({
            claims: user?.info.ownershipEntityRefs ?? [],
          }),
        ],
      });
    }
    return { result: AuthorizeResult.ALLOW };
  },
};

/** Experiments may not be read at all; the rest is allowed. */
const noExperimentsPolicy: PermissionPolicy = {
  async handle(request) {
    return {
      result:
        request.permission.name ===
        llmOpsPermissionsByResource.experiment.read.name
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    };
  },
};

const creations: Record<string, (name: string) => Record<string, unknown>> = {
  experiments: name => ({ name }),
  models: name => ({ name }),
  datasets: name => ({ name }),
  endpoints: name => ({ name, runtime: 'builtin' }),
  pipelines: name => ({ name, runtime: 'builtin' }),
};

describe.each(databases.eachSupportedId())(
  'conditional permission decisions on %s',
  databaseId => {
    async function setup(policy: PermissionPolicy) {
      const knex = await databases.init(databaseId);
      const server = await startWithPolicy({ knex, policy, ownership });
      return {
        knex,
        server,
        alice: specCheckedClient(server, mockCredentials.user.header(ALICE)),
        bob: specCheckedClient(server, mockCredentials.user.header(BOB)),
      };
    }

    it('lists only what the user owns, for every asset kind, and pages right', async () => {
      const { alice, bob } = await setup(ownerPolicy);
      for (const [collection, body] of Object.entries(creations)) {
        // Interleaved names, so that a filter applied after paging would show.
        for (let i = 0; i < 7; i++) {
          const owner = [ALICE, BOB, 'group:default/nlp', null][i % 4];
          const res = await alice.post(`${v1}/${collection}`, {
            ...body(`${collection}-${i}`),
            ...(owner ? { owner } : {}),
          });
          expect(res.status).toBe(201);
        }
        const names: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const res: any = await alice.get(
            `${v1}/${collection}?pageSize=2${
              cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
            }`,
          );
          expect(res.status).toBe(200);
          expect(res.body.data.items.length).toBeLessThanOrEqual(2);
          names.push(...res.body.data.items.map((a: any) => a.name));
          cursor = res.body.data.nextCursor;
          pages++;
        } while (cursor);
        // Alice owns 0, 4 (herself) and 2, 6 (her group, in another case); 1, 5 are Bob's and
        // 3 has no owner.
        expect(names).toEqual([0, 2, 4, 6].map(i => `${collection}-${i}`));
        expect(pages).toBe(2);

        const bobs = await bob.get(`${v1}/${collection}`);
        expect(bobs.body.data.items.map((a: any) => a.name)).toEqual(
          [1, 5].map(i => `${collection}-${i}`),
        );
        // The filter narrows the caller's own filters, never widens them.
        const owned = await alice.get(`${v1}/${collection}?owner=${BOB}`);
        expect(owned.body.data.items).toEqual([]);
      }
    });

    it("hides another user's asset (404) and refuses changing it (403), changing nothing", async () => {
      const { alice, bob } = await setup(ownerPolicy);
      const bobs = (
        await bob.post(`${v1}/models`, {
          name: 'bobs-model',
          owner: BOB,
          tags: { stage: 'dev' },
        })
      ).body.data;
      await bob.post(`${v1}/models/bobs-model/versions`, {
        artifactUri: 's3://m/1',
      });
      expect((await bob.get(`${v1}/models/bobs-model`)).status).toBe(200);

      for (const ref of [bobs.id, 'bobs-model']) {
        const get = await alice.get(`${v1}/models/${ref}`);
        expect(get.status).toBe(404);
        expect(get.body).toMatchObject({
          status: 'error',
          message: `No model with id or name '${ref}'`,
          data: { error: { name: 'NotFoundError' } },
        });
      }
      // Hidden and missing look alike.
      expect((await alice.get(`${v1}/models/no-such-model`)).body.message).toBe(
        "No model with id or name 'no-such-model'",
      );
      expect((await alice.get(`${v1}/models/bobs-model/versions`)).status).toBe(
        404,
      );

      const patch = await alice.patch(`${v1}/models/bobs-model`, {
        description: 'mine now',
        owner: ALICE,
      });
      expect(patch.status).toBe(403);
      expect(patch.body).toMatchObject({
        status: 'error',
        data: { error: { name: 'NotAllowedError' } },
      });
      expect((await alice.delete(`${v1}/models/bobs-model`)).status).toBe(403);
      expect(
        (await alice.delete(`${v1}/models/bobs-model/versions/1`)).status,
      ).toBe(403);
      const after = await bob.get(`${v1}/models/bobs-model`);
      expect(after.body.data).toMatchObject({
        description: null,
        owner: BOB,
        latestVersion: '1',
      });

      // Her own: allowed all the way.
      await alice.post(`${v1}/experiments`, { name: 'mine', owner: ALICE });
      expect((await alice.get(`${v1}/experiments/mine`)).status).toBe(200);
      expect(
        (await alice.patch(`${v1}/experiments/mine`, { description: 'x' }))
          .status,
      ).toBe(200);
      expect((await alice.delete(`${v1}/experiments/mine`)).status).toBe(200);
    });

    it("hides another user's pipeline runs with their pipeline", async () => {
      const { alice, bob } = await setup(ownerPolicy);
      await bob.post(`${v1}/pipelines`, {
        name: 'bobs-train',
        runtime: 'builtin',
        owner: BOB,
      });
      const run = await bob.post(`${v1}/pipelines/bobs-train/runs`, {});
      expect(run.status).toBe(201);
      const runId = run.body.data.id;
      expect((await bob.get(`${v1}/pipeline-runs/${runId}`)).status).toBe(200);
      const hidden = await alice.get(`${v1}/pipeline-runs/${runId}`);
      expect(hidden.status).toBe(404);
      expect(hidden.body.message).toBe(`No pipeline run with id '${runId}'`);
      expect(
        (await alice.post(`${v1}/pipeline-runs/${runId}/stop`, {})).status,
      ).toBe(403);
      expect((await alice.get(`${v1}/pipelines/bobs-train/runs`)).status).toBe(
        404,
      );
      expect(
        (await bob.get(`${v1}/pipeline-runs/${runId}`)).body.data.phase,
      ).toBe(run.body.data.phase);
    });

    it("lets only an endpoint's owners deploy, promote and roll back, changing nothing for others", async () => {
      const { alice, bob } = await setup(ownerPolicy);
      await alice.post(`${v1}/models`, { name: 'chat', owner: ALICE });
      const versions: string[] = [];
      for (const n of [1, 2, 3]) {
        const version = await alice.post(`${v1}/models/chat/versions`, {
          artifactUri: `s3://chat/${n}`,
        });
        versions.push(version.body.data.id);
      }
      const created = await alice.post(`${v1}/endpoints`, {
        name: 'alices-chat',
        runtime: 'builtin',
        owner: ALICE,
        modelVersionId: versions[0],
      });
      expect(created.status).toBe(201);
      const canary = await alice.post(`${v1}/endpoints/alices-chat/deploy`, {
        modelVersionId: versions[1],
        canaryPercent: 10,
      });
      expect(canary.status).toBe(200);
      const traffic = (res: any) =>
        res.body.data.desired.traffic.map(
          (t: any) => `${t.version}:${t.percent}:${t.role}`,
        );
      expect(traffic(canary)).toEqual(['1:90:stable', '2:10:canary']);

      // Bob may deploy, promote and roll back (his policy says: what he owns), not on hers.
      for (const [action, body] of [
        ['deploy', { modelVersionId: versions[2] }],
        ['promote', {}],
        ['rollback', {}],
      ] as const) {
        const refused = await bob.post(
          `${v1}/endpoints/alices-chat/${action}`,
          body,
        );
        expect(refused.status).toBe(403);
        expect(refused.body).toMatchObject({
          status: 'error',
          message: `Not allowed: llm-ops.endpoint.${
            action === 'deploy' ? 'deploy' : 'promote'
          } on endpoint:${created.body.data.id}`,
          data: { error: { name: 'NotAllowedError' } },
        });
      }
      expect(traffic(await alice.get(`${v1}/endpoints/alices-chat`))).toEqual([
        '1:90:stable',
        '2:10:canary',
      ]);
      // Nothing to check a condition on: missing, whoever asks.
      expect(
        (await bob.post(`${v1}/endpoints/no-such-endpoint/promote`, {})).status,
      ).toBe(404);

      const promoted = await alice.post(
        `${v1}/endpoints/alices-chat/promote`,
        {},
      );
      expect(promoted.status).toBe(200);
      expect(traffic(promoted)).toEqual(['2:100:stable']);
    });

    it('filters on a tag condition, in lists and for one asset', async () => {
      const { alice, bob } = await setup(publicOrOwnedPolicy);
      await bob.post(`${v1}/datasets`, {
        name: 'public-set',
        owner: BOB,
        tags: { visibility: 'public' },
      });
      await bob.post(`${v1}/datasets`, {
        name: 'internal-set',
        owner: BOB,
        tags: { visibility: 'internal' },
      });
      await bob.post(`${v1}/datasets`, { name: 'untagged-set', owner: BOB });
      await alice.post(`${v1}/datasets`, { name: 'alices-set', owner: ALICE });

      const list = await alice.get(`${v1}/datasets`);
      expect(list.body.data.items.map((d: any) => d.name)).toEqual([
        'alices-set',
        'public-set',
      ]);
      expect((await alice.get(`${v1}/datasets/public-set`)).status).toBe(200);
      expect((await alice.get(`${v1}/datasets/internal-set`)).status).toBe(404);

      // Conditions on reads only: changing is allowed outright by this policy.
      expect(
        (
          await alice.patch(`${v1}/datasets/internal-set`, {
            tags: { visibility: 'public' },
          })
        ).status,
      ).toBe(200);
      expect(
        (await alice.get(`${v1}/datasets`)).body.data.items.map(
          (d: any) => d.name,
        ),
      ).toEqual(['alices-set', 'internal-set', 'public-set']);
    });

    it('answers a definitive DENY with 403 before loading anything', async () => {
      const { alice } = await setup(noExperimentsPolicy);
      const list = await alice.get(`${v1}/experiments`);
      expect(list.status).toBe(403);
      expect(list.body).toMatchObject({
        status: 'error',
        message: 'Not allowed: llm-ops.experiment.read',
        data: { error: { name: 'NotAllowedError' } },
      });
      // 403, not 404: nothing says whether it exists.
      expect((await alice.get(`${v1}/experiments/no-such`)).status).toBe(403);
      expect((await alice.get(`${v1}/models`)).status).toBe(200);
    });

    it('passes a conditional read where no asset is shown, and filters lineage', async () => {
      const { alice } = await setup(ownerPolicy);
      const model = (
        await alice.post(`${v1}/models`, { name: 'mine', owner: ALICE })
      ).body.data;
      expect((await alice.get(`${v1}/integrations`)).status).toBe(200);
      // Lineage spans assets of others: it is filtered (see lineageAccess.test.ts), not refused.
      expect((await alice.get(`${v1}/lineage/model/${model.id}`)).status).toBe(
        200,
      );
    });

    it('lets a service token through whatever the policy says for users', async () => {
      const { server, bob } = await setup(ownerPolicy);
      await bob.post(`${v1}/experiments`, { name: 'bobs', owner: BOB });
      const service = specCheckedClient(
        server,
        mockCredentials.service.header(),
      );
      expect(
        (await service.get(`${v1}/experiments`)).body.data.items,
      ).toHaveLength(1);
    });
  },
);
