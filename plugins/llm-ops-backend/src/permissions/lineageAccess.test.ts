import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { PermissionPolicy } from '@backstage/plugin-permission-node';
import { llmOpsPermissionsByResource } from '@llm-ops/backstage-plugin-llm-ops-common';
import type { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/realServices';
import { specCheckedClient } from '../__testUtils__/specCheckedClient';
import { addLineageEdges } from '../database/lineage';
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

const allowAll: PermissionPolicy = {
  handle: async () => ({ result: AuthorizeResult.ALLOW }),
};

type Node = {
  type: string;
  id: string;
  label: string;
  direction: string;
  distance: number;
};
type Edge = { from: string; to: string; relation: string };
type Graph = { root: string; nodes: Node[]; edges: Edge[] };

/** Every edge joins two nodes of the graph, and every node is reached from the root. */
function expectConnected(graph: Graph) {
  const ids = new Set(graph.nodes.map(n => n.id));
  expect(ids.size).toBe(graph.nodes.length);
  for (const edge of graph.edges) {
    expect(ids).toContain(edge.from);
    expect(ids).toContain(edge.to);
  }
  const reached = new Set([graph.root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const { from, to } of graph.edges) {
      if (reached.has(from) !== reached.has(to)) {
        reached.add(from);
        reached.add(to);
        grew = true;
      }
    }
  }
  expect([...ids].filter(id => !reached.has(id))).toEqual([]);
}

describe.each(databases.eachSupportedId())(
  'lineage under permission policies on %s',
  databaseId => {
    /**
     * Alice's model, trained by her run on Bob's dataset version, in a run that Bob's pipeline
     * ran on her team's dataset; Bob's endpoint serves the model version:
     *
     *   alices-data@v1 -used-> bob's pipeline run -ran-> r1 -produced-> alices-model v1
     *   bobs-data@2024-06 -used-> r1                     alices-model v1 -serves-> bobs-endpoint
     */
    async function setup(policy: PermissionPolicy) {
      const knex = await databases.init(databaseId);
      const server = await startWithPolicy({ knex, policy, ownership });
      const admin = specCheckedClient(server, mockCredentials.service.header());
      const post = async (path: string, body: object) => {
        const res = await admin.post(`${v1}${path}`, body);
        expect(res.status).toBe(201);
        return res.body.data;
      };
      await post('/experiments', { name: 'alices-exp', owner: ALICE });
      const run = await post('/runs', {
        experimentId: 'alices-exp',
        name: 'r1',
      });
      await post('/datasets', { name: 'bobs-data', owner: BOB });
      const bobsData = await post('/datasets/bobs-data/versions', {
        version: '2024-06',
        uri: 's3://bob/data',
      });
      await post('/datasets', {
        name: 'alices-data',
        owner: 'group:default/nlp',
      });
      const alicesData = await post('/datasets/alices-data/versions', {
        version: 'v1',
        uri: 's3://nlp/data',
      });
      expect(
        (
          await admin.post(`${v1}/runs/${run.id}/inputs`, {
            datasetVersionIds: [bobsData.id],
          })
        ).status,
      ).toBe(200);
      const model = await post('/models', {
        name: 'alices-model',
        owner: ALICE,
      });
      const modelV1 = await post('/models/alices-model/versions', {
        artifactUri: 's3://alice/model/1',
        sourceRunId: run.id,
      });
      await post('/pipelines', {
        name: 'bobs-pipeline',
        runtime: 'builtin',
        owner: BOB,
      });
      const pipelineRun = await post('/pipelines/bobs-pipeline/runs', {});
      const endpoint = await post('/endpoints', {
        name: 'bobs-endpoint',
        runtime: 'builtin',
        owner: BOB,
        modelVersionId: modelV1.id,
      });
      // As the orchestration integrations record them.
      await addLineageEdges(knex, [
        {
          fromType: 'pipeline-run',
          fromId: pipelineRun.id,
          relation: 'used',
          toType: 'dataset-version',
          toId: alicesData.id,
        },
        {
          fromType: 'pipeline-run',
          fromId: pipelineRun.id,
          relation: 'ran',
          toType: 'run',
          toId: run.id,
        },
      ]);
      return {
        knex,
        alice: specCheckedClient(server, mockCredentials.user.header(ALICE)),
        bob: specCheckedClient(server, mockCredentials.user.header(BOB)),
        ids: {
          run: run.id,
          bobsData: bobsData.id,
          alicesData: alicesData.id,
          model: model.id,
          modelV1: modelV1.id,
          pipelineRun: pipelineRun.id,
          pipelineRunName: pipelineRun.name as string,
          endpoint: endpoint.id,
        },
      };
    }

    /** The SQL the database runs while `during` runs. */
    async function queriesOf(knex: Knex, during: () => Promise<unknown>) {
      const sql: string[] = [];
      const listener = (query: { sql: string }) => sql.push(query.sql);
      knex.on('query', listener);
      try {
        await during();
      } finally {
        knex.removeListener('query', listener);
      }
      return sql;
    }

    it("shows an owner-only user their model's lineage with the other team's nodes as placeholders", async () => {
      const { knex, alice, ids } = await setup(ownerPolicy);
      let res: any;
      const sql = await queriesOf(knex, async () => {
        res = await alice.get(`${v1}/lineage/model/alices-model`);
      });
      expect(res.status).toBe(200);
      const graph: Graph = res.body.data;
      const byId = new Map(graph.nodes.map(n => [n.id, n]));

      // Hers, and her team's, as they are.
      expect(graph.root).toBe(ids.model);
      expect(byId.get(ids.model)).toMatchObject({
        type: 'model',
        label: 'alices-model',
        direction: 'root',
      });
      expect(byId.get(ids.modelV1)?.label).toBe('alices-model v1');
      expect(byId.get(ids.run)).toMatchObject({ type: 'run', label: 'r1' });
      expect(byId.get(ids.alicesData)).toMatchObject({
        type: 'dataset-version',
        label: 'alices-data@v1',
        direction: 'upstream',
        distance: 3,
      });

      // Bob's dataset version, pipeline run and endpoint: in their places, saying nothing.
      const hidden = graph.nodes.filter(n => n.type === 'hidden');
      expect(hidden).toHaveLength(3);
      for (const node of hidden) {
        expect(node.id).toMatch(/^hidden-\d+$/);
        expect(node.label).toBe('hidden');
      }
      const body = JSON.stringify(res.body);
      for (const secret of [
        ids.bobsData,
        ids.pipelineRun,
        ids.pipelineRunName,
        ids.endpoint,
        'bobs-data',
        '2024-06',
        'bobs-endpoint',
        'bobs-pipeline',
      ]) {
        expect(body).not.toContain(secret);
      }
      const edgeTo = (to: string, relation: string) =>
        graph.edges.find(e => e.to === to && e.relation === relation)!;
      const hiddenData = graph.edges.find(
        e => e.to === ids.run && e.relation === 'used',
      )!.from;
      const hiddenPipelineRun = edgeTo(ids.run, 'ran').from;
      const hiddenEndpoint = graph.edges.find(
        e => e.from === ids.modelV1 && e.relation === 'serves',
      )!.to;
      expect(byId.get(hiddenData)).toMatchObject({
        type: 'hidden',
        direction: 'upstream',
        distance: 2,
      });
      expect(byId.get(hiddenPipelineRun)).toMatchObject({
        type: 'hidden',
        direction: 'upstream',
        distance: 2,
      });
      expect(byId.get(hiddenEndpoint)).toMatchObject({
        type: 'hidden',
        direction: 'downstream',
        distance: 1,
      });
      expect(
        new Set([hiddenData, hiddenPipelineRun, hiddenEndpoint]).size,
      ).toBe(3);
      // Her dataset is reached through Bob's pipeline run: the graph stays connected.
      expect(graph.edges).toContainEqual({
        from: ids.alicesData,
        to: hiddenPipelineRun,
        relation: 'used',
      });
      expect(graph.edges).toContainEqual({
        from: ids.model,
        to: ids.modelV1,
        relation: 'contains',
      });
      expectConnected(graph);

      // The owning assets of the conditional nodes came in one query.
      expect(sql.filter(s => s.includes('node_assets'))).toHaveLength(1);
    });

    it("answers another team's lineage root as missing, and shows theirs with Alice's hidden", async () => {
      const { alice, bob, ids } = await setup(ownerPolicy);
      const hiddenRoot = await bob.get(`${v1}/lineage/model/alices-model`);
      expect(hiddenRoot.status).toBe(404);
      expect(hiddenRoot.body).toMatchObject({
        status: 'error',
        message: "No model with id 'alices-model'",
        data: { error: { name: 'NotFoundError' } },
      });
      // Hidden and missing look alike.
      expect(
        (await bob.get(`${v1}/lineage/model/no-such-model`)).body.message,
      ).toBe("No model with id 'no-such-model'");
      for (const path of [
        `model-version/${ids.modelV1}`,
        `run/${ids.run}`,
        `dataset/alices-data`,
      ]) {
        expect((await bob.get(`${v1}/lineage/${path}`)).status).toBe(404);
      }
      expect(
        (await alice.get(`${v1}/lineage/pipeline-run/${ids.pipelineRun}`))
          .status,
      ).toBe(404);

      // Bob's own dataset: Alice's run and model version are placeholders, his endpoint beyond
      // them is shown.
      const res = await bob.get(`${v1}/lineage/dataset/bobs-data`);
      expect(res.status).toBe(200);
      const graph: Graph = res.body.data;
      const byId = new Map(graph.nodes.map(n => [n.id, n]));
      expect(byId.get(ids.bobsData)?.label).toBe('bobs-data@2024-06');
      expect(byId.get(ids.endpoint)).toMatchObject({
        type: 'endpoint',
        label: 'bobs-endpoint',
        direction: 'downstream',
        distance: 3,
      });
      expect(byId.has(ids.run)).toBe(false);
      expect(byId.has(ids.modelV1)).toBe(false);
      expect(JSON.stringify(res.body)).not.toMatch(/r1|alices/);
      expect(graph.nodes.filter(n => n.type === 'hidden')).toHaveLength(2);
      expectConnected(graph);
    });

    it("answers 403 when the policy denies the root's kind outright, and hides that kind elsewhere", async () => {
      const { alice, ids } = await setup(
        denying(llmOpsPermissionsByResource.model.read.name),
      );
      for (const path of [
        'model/alices-model',
        'model/no-such-model',
        `model-version/${ids.modelV1}`,
      ]) {
        const res = await alice.get(`${v1}/lineage/${path}`);
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({
          status: 'error',
          message: 'Not allowed: llm-ops.model.read',
          data: { error: { name: 'NotAllowedError' } },
        });
      }
      const ofDataset: Graph = (
        await alice.get(`${v1}/lineage/dataset/bobs-data`)
      ).body.data;
      expect(
        ofDataset.nodes.filter(n => n.type === 'hidden').map(n => n.distance),
      ).toEqual([2]);
      expect(ofDataset.nodes.map(n => n.id)).toContain(ids.endpoint);
      expect(ofDataset.nodes.map(n => n.id)).not.toContain(ids.modelV1);
      expectConnected(ofDataset);
    });

    it('checks the run read for runs: 403 for a run root, placeholders elsewhere', async () => {
      const { alice, ids } = await setup(
        denying(llmOpsPermissionsByResource.run.read.name),
      );
      const ofRun = await alice.get(`${v1}/lineage/run/${ids.run}`);
      expect(ofRun.status).toBe(403);
      expect(ofRun.body.message).toBe('Not allowed: llm-ops.run.read');
      const ofModel: Graph = (
        await alice.get(`${v1}/lineage/model/alices-model`)
      ).body.data;
      expect(ofModel.nodes.map(n => n.id)).not.toContain(ids.run);
      expect(ofModel.nodes.filter(n => n.type === 'hidden')).toEqual([
        expect.objectContaining({ direction: 'upstream', distance: 1 }),
      ]);
      expectConnected(ofModel);
    });

    it('shows everything under an allow-all policy without loading any asset for it', async () => {
      const { knex, alice, ids } = await setup(allowAll);
      let res: any;
      const sql = await queriesOf(knex, async () => {
        res = await alice.get(`${v1}/lineage/model/alices-model`);
      });
      expect(res.status).toBe(200);
      const graph: Graph = res.body.data;
      expect(graph.nodes.map(n => n.id).sort()).toEqual(
        [
          ids.model,
          ids.modelV1,
          ids.run,
          ids.bobsData,
          ids.pipelineRun,
          ids.alicesData,
          ids.endpoint,
        ].sort(),
      );
      expect(graph.nodes.some(n => n.type === 'hidden')).toBe(false);
      expect(sql.some(s => s.includes('node_assets'))).toBe(false);
    });
  },
);
