import { randomUUID } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type {
  ServedEndpointState,
  ServingAdapter,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import { createTestDatabases } from '../__testUtils__/realServices';
import { AssetStore } from '../database/AssetStore';
import { EndpointStore } from '../database/EndpointStore';
import { migrationsDir } from '../database/migrate';
import { ModelStore } from '../database/ModelStore';
import { OutboxStore } from '../database/OutboxStore';
import { readLlmOpsConfig } from './config';
import { Integrations } from './Integrations';
import { ServingWriter } from './ServingWriter';

jest.setTimeout(60_000);

const databases = createTestDatabases();

type ApplyInput = Parameters<ServingAdapter['apply']>[0];

/** A call that reached the platform and waits for the test to let it answer. */
type HeldCall = {
  op: 'apply' | 'remove';
  input: ApplyInput;
  answer: () => void;
  fail: (error: Error) => void;
};

/**
 * A serving platform that answers each call only when the test says so. No real one can be
 * held mid-call on demand here (the kube API server answers at once), and these tests are about
 * what the store does while a call is in flight; it follows the ServingAdapter contract (apply
 * answers the object's ServedEndpointState, remove answers nothing).
 */
class HeldServing implements ServingAdapter {
  readonly category = 'serving' as const;
  readonly capabilities = new Set(['canary']);
  readonly id = 'kserve:a';
  readonly calls: HeldCall[] = [];
  private readonly seen = new Set<HeldCall>();
  private readonly waiting: Array<(call: HeldCall) => void> = [];

  async checkHealth() {
    return { state: 'up' as const };
  }

  apply(input: ApplyInput): Promise<ServedEndpointState> {
    return this.hold('apply', input, () => ({
      name: input.name,
      cluster: 'a',
      namespace: 'ml',
      url: `http://${input.name}.ml.example.com`,
      state: 'Unknown',
      conditions: [],
      traffic: input.traffic.map(t => ({
        modelVersionId: t.modelVersionId,
        percent: t.percent,
        role: t.role,
      })),
    }));
  }

  async remove(input: { name: string }): Promise<void> {
    await this.hold('remove', input as ApplyInput, () => undefined);
  }

  async list() {
    return [];
  }

  /** The next call to reach the platform (one already waiting, or the next to come). */
  nextCall(): Promise<HeldCall> {
    const unseen = this.calls.find(c => !this.seen.has(c));
    if (unseen) {
      this.seen.add(unseen);
      return Promise.resolve(unseen);
    }
    return new Promise(resolve =>
      this.waiting.push(call => {
        this.seen.add(call);
        resolve(call);
      }),
    );
  }

  private hold<T>(
    op: HeldCall['op'],
    input: ApplyInput,
    answer: () => T,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const call: HeldCall = {
        op,
        input,
        answer: () => resolve(answer()),
        fail: reject,
      };
      this.calls.push(call);
      const waiter = this.waiting.shift();
      if (waiter) waiter(call);
    });
  }
}

const refused = () =>
  Object.assign(new Error('InferenceService is invalid'), { status: 422 });
const unreachable = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), {
    code: 'ECONNREFUSED',
  });

/** Fails when `promise` has not settled within `ms`: what waits on a held lock or connection. */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`still waiting after ${ms} ms`)),
        ms,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * The database with a pool of one connection (SQLite in memory has exactly one): a write that
 * kept a transaction open across the cluster call would leave nothing for anyone else.
 */
async function oneConnection(knex: Knex): Promise<Knex> {
  if (knex.client.config.client.includes('sqlite')) {
    await knex.raw('PRAGMA foreign_keys = ON');
    return knex;
  }
  return knexFactory({
    ...knex.client.config,
    pool: { min: 0, max: 1, acquireTimeoutMillis: 20_000 },
  });
}

/** A model with versions 1, 2 and 3, each with its artifact URI, through the model store. */
async function modelVersions(db: Knex): Promise<string[]> {
  const models = new ModelStore(db, new AssetStore(db));
  const model = await models.create({
    name: `bot-${randomUUID().slice(0, 8)}`,
  });
  const ids: string[] = [];
  for (const label of ['1', '2', '3']) {
    const version = await models.createVersion(model.id, {
      artifactUri: `s3://models/bot/${label}`,
    });
    ids.push(version.id);
  }
  return ids;
}

describe.each(databases.eachSupportedId())(
  'ServingWriter with the cluster call in flight, on %s',
  databaseId => {
    let db: Knex;
    let platform: HeldServing;
    let endpoints: EndpointStore;
    let outbox: OutboxStore;
    let integrations: Integrations;
    let writer: ServingWriter;
    let versions: string[];

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      db = await oneConnection(knex);
      platform = new HeldServing();
      integrations = new Integrations(
        [platform],
        readLlmOpsConfig(
          new ConfigReader({ llmOps: { resilience: { retries: 0 } } }),
        ),
        mockServices.logger.mock(),
      );
      endpoints = new EndpointStore(db);
      outbox = new OutboxStore(db);
      writer = new ServingWriter(db, endpoints, outbox, integrations);
      versions = await modelVersions(db);
    });

    afterAll(async () => {
      if (!db.client.config.client.includes('sqlite')) await db.destroy();
    });

    afterEach(async () => {
      // Every test leaves the queue empty, so that the next one calls the platform directly.
      await db('outbox').where({ state: 'pending' }).update({ state: 'done' });
    });

    /** A kserve endpoint on cluster a; serving version 1 when `deployed`. */
    const kserveEndpoint = async (deployed: boolean) => {
      const endpoint = await endpoints.create({
        name: `ep-${randomUUID().slice(0, 8)}`,
        runtime: 'kserve',
        cluster: 'a',
        ...(deployed ? { modelVersionId: versions[0] } : {}),
      });
      return endpoint.asset.name;
    };

    const servedVersions = async (name: string) =>
      (await endpoints.get(name)).desired.traffic.map(
        e => `${e.version}:${e.role}:${e.percent}`,
      );

    it('holds no connection or lock during the call: other reads and writes go on, and the change commits with the answer', async () => {
      const name = await kserveEndpoint(true);
      const other = await kserveEndpoint(false);
      const deploying = writer.deploy(name, { modelVersionId: versions[1] });
      const call = await platform.nextCall();
      expect(call.input.traffic).toEqual([
        expect.objectContaining({
          storageUri: 's3://models/bot/2',
          percent: 100,
          role: 'stable',
        }),
      ]);

      // One pooled connection, and the deploy waits for the cluster: yet the store answers.
      expect(await within(3_000, servedVersions(name))).toEqual([
        '1:stable:100',
      ]);
      const described = await within(
        3_000,
        writer.update(other, { description: 'changed meanwhile' }),
      );
      expect(described.resource.asset.description).toBe('changed meanwhile');

      call.answer();
      const deployed = await deploying;
      expect(deployed.queued).toBeUndefined();
      expect(await servedVersions(name)).toEqual(['2:stable:100']);
      expect(deployed.resource.url).toBe(`http://${name}.ml.example.com`);
      expect(deployed.resource.observed.traffic).toEqual([
        expect.objectContaining({ modelVersionId: versions[1], percent: 100 }),
      ]);
      expect(deployed.resource.asset.source.integration).toBe('kserve:a');
    });

    it('refuses a second write to the endpoint with a 409 while the first waits for the cluster, and keeps the first', async () => {
      const name = await kserveEndpoint(true);
      const deploying = writer.deploy(name, {
        modelVersionId: versions[1],
        canaryPercent: 10,
      });
      const call = await platform.nextCall();
      const callsBefore = platform.calls.length;

      for (const second of [
        () => writer.deploy(name, { modelVersionId: versions[2] }),
        () => writer.promote(name),
        () => writer.update(name, { maxReplicas: 3 }),
        () => writer.delete(name),
      ]) {
        await expect(within(3_000, second())).rejects.toMatchObject({
          name: 'ConflictError',
          message: expect.stringContaining(
            'is being changed by another request',
          ),
        });
      }
      // None of them reached the cluster, where they could have overtaken the first.
      expect(platform.calls.length).toBe(callsBefore);

      call.answer();
      await deploying;
      expect(await servedVersions(name)).toEqual([
        '1:stable:90',
        '2:canary:10',
      ]);

      // Released with the answer: the next write goes through.
      const promoting = writer.promote(name);
      (await platform.nextCall()).answer();
      await promoting;
      expect(await servedVersions(name)).toEqual(['2:stable:100']);
    });

    it('changes nothing and releases the endpoint when the cluster refuses the change', async () => {
      const name = await kserveEndpoint(true);
      const before = await endpoints.get(name);
      const deploying = writer.deploy(name, { modelVersionId: versions[1] });
      (await platform.nextCall()).fail(refused());
      await expect(deploying).rejects.toMatchObject({
        name: 'InputError',
        message: 'InferenceService is invalid',
      });
      const after = await endpoints.get(name);
      expect(after.desired).toEqual(before.desired);
      expect(after.generation).toBe(before.generation);
      expect(after.asset.updatedAt).toBe(before.asset.updatedAt);

      const again = writer.deploy(name, { modelVersionId: versions[2] });
      (await platform.nextCall()).answer();
      await again;
      expect(await servedVersions(name)).toEqual(['3:stable:100']);
    });

    it('queues the change in the outbox when the cluster turns out to be unavailable, and releases the endpoint', async () => {
      const name = await kserveEndpoint(true);
      const deploying = writer.deploy(name, { modelVersionId: versions[1] });
      (await platform.nextCall()).fail(unreachable());
      const queued = await deploying;
      expect(queued.queued).toEqual({
        outboxId: expect.any(Number),
        integration: 'kserve:a',
      });
      expect(await servedVersions(name)).toEqual(['2:stable:100']);
      const entry = await outbox.get(queued.queued!.outboxId);
      expect(entry).toMatchObject({
        operation: 'endpoint.apply',
        state: 'pending',
        resourceId: queued.resource.asset.id,
        payload: {
          endpoint: expect.objectContaining({
            name,
            traffic: [
              expect.objectContaining({ storageUri: 's3://models/bot/2' }),
            ],
          }),
        },
      });

      // Not held: the next write queues behind the first instead of a 409.
      const callsBefore = platform.calls.length;
      const rolled = await writer.deploy(name, {
        modelVersionId: versions[2],
        canaryPercent: 5,
      });
      expect(rolled.queued?.outboxId).toBeGreaterThan(entry.id);
      expect(platform.calls.length).toBe(callsBefore);
    });

    it('deletes a deployed endpoint after the cluster removed it, without holding the endpoint meanwhile', async () => {
      const name = await kserveEndpoint(true);
      const deleting = writer.delete(name);
      const call = await platform.nextCall();
      expect(call).toMatchObject({ op: 'remove', input: { name } });
      // Still there until the cluster has answered.
      expect(await within(3_000, servedVersions(name))).toEqual([
        '1:stable:100',
      ]);
      call.answer();
      await deleting;
      await expect(endpoints.get(name)).rejects.toMatchObject({
        name: 'NotFoundError',
      });
    });

    it('creates with a commit callback: committed and claimed before the call, answered in the final transaction, removed again when refused', async () => {
      const committed: Array<{ name: string; inTransaction: boolean }> = [];
      const commit = async (
        tx: Knex,
        result: { resource: { asset: { name: string } } },
      ) => {
        committed.push({
          name: result.resource.asset.name,
          inTransaction: tx.isTransaction === true,
        });
      };
      const name = `ep-${randomUUID().slice(0, 8)}`;
      const creating = writer.create(
        {
          name,
          runtime: 'kserve',
          modelVersionId: versions[0],
        },
        commit,
      );
      const call = await platform.nextCall();
      // The name is taken and the endpoint claimed while the cluster works on it.
      expect((await within(3_000, endpoints.get(name))).cluster).toBe('a');
      await expect(
        writer.deploy(name, { modelVersionId: versions[1] }),
      ).rejects.toMatchObject({ name: 'ConflictError' });
      expect(committed).toEqual([]);
      call.answer();
      const created = await creating;
      expect(created.resource.url).toBe(`http://${name}.ml.example.com`);
      expect(committed).toEqual([{ name, inTransaction: true }]);

      const refusedName = `ep-${randomUUID().slice(0, 8)}`;
      const refusing = writer.create(
        { name: refusedName, runtime: 'kserve', modelVersionId: versions[0] },
        commit,
      );
      (await platform.nextCall()).fail(refused());
      await expect(refusing).rejects.toMatchObject({ name: 'InputError' });
      await expect(endpoints.get(refusedName)).rejects.toMatchObject({
        name: 'NotFoundError',
      });
      expect(committed).toHaveLength(1);
    });

    it('takes over a claim whose holder died mid-call once it is stale', async () => {
      const name = await kserveEndpoint(true);
      // What a process that died between its claim and the cluster's answer leaves behind.
      await db.transaction(async tx =>
        endpoints.claimChange(await endpoints.getForUpdate(name, tx), tx),
      );
      await expect(writer.promote(name)).rejects.toMatchObject({
        name: 'ConflictError',
      });
      const patient = new ServingWriter(db, endpoints, outbox, integrations, {
        claimStaleAfterMs: 50,
      });
      await new Promise(resolve => setTimeout(resolve, 100));
      const deploying = patient.deploy(name, { modelVersionId: versions[1] });
      (await platform.nextCall()).answer();
      await deploying;
      expect(await servedVersions(name)).toEqual(['2:stable:100']);
    });
  },
);
