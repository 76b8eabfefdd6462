import type { Knex } from 'knex';
import { ConflictError } from '@backstage/errors';
import type { ServingAdapter } from '@llm-ops/backstage-plugin-llm-ops-node';
import type { Endpoint, EndpointStore } from '../database/EndpointStore';
import type { OutboxStore } from '../database/OutboxStore';
import { outboxDepth } from './ClusterOutbox';
import type { ClusterTool } from './Integrations';
import { isUnavailable } from './resilience';
import { toApiError, type WriteResult } from './TrackingWriter';

/** A call to the cluster that a write to an endpoint makes. */
export type ClusterCall = {
  tool: ClusterTool<ServingAdapter>;
  /** The outbox entry that stands for the call while the cluster is unavailable. */
  entry: {
    operation: 'endpoint.apply' | 'endpoint.remove';
    resourceId: string;
    payload: Record<string, unknown>;
  };
  /**
   * Calls the cluster; answers how to record its answer in the transaction that commits the
   * write (none: the endpoint is committed as staged).
   */
  call: () => Promise<((tx: Knex) => Promise<Endpoint>) | undefined>;
};

/** A write's store change, made in a transaction, and the cluster call it needs (if any). */
export type Staged = { resource: Endpoint; send?: ClusterCall };

/**
 * Makes a write's store change in `tx` on the endpoint as it is now (locked), and says what to
 * send to the cluster. Run twice for a write that calls the cluster: rolled back before the
 * call, then for good after it; with the endpoint claimed in between, both runs see the same
 * endpoint and stage the same change.
 */
export type Stage = (current: Endpoint, tx: Knex) => Promise<Staged>;

type Commit = (tx: Knex, result: WriteResult<Endpoint>) => Promise<void>;

type Claim = { endpointId: string; token: string; send: ClusterCall };

/** Carries the call a staged change needs out of the savepoint it is rolled back to. */
class StagedCall extends Error {
  constructor(readonly send: ClusterCall) {
    super('staged change rolled back before its cluster call');
  }
}

/**
 * The steps of a write to a served endpoint that keep every transaction short, so that a slow
 * or hung cluster holds neither a pooled connection nor a row lock:
 *
 * 1. A short transaction locks the endpoint and stages the change. A store-only change commits
 *    here; so does one that queues behind earlier writes for the cluster (its outbox entry).
 *    Otherwise the change is rolled back and a claim on the endpoint committed instead: until it
 *    is released, every other write to the endpoint is a 409, so two writes cannot both reach
 *    the cluster and one of them be lost (`EndpointStore.claimChange`).
 * 2. The cluster is called through the tool's ToolConnection, with no transaction open.
 * 3. A second short transaction stages the change again and commits it with what the cluster
 *    answered, or with an outbox entry when the cluster turned out to be unavailable, and
 *    releases the claim. A 4xx of the cluster releases the claim and changes nothing.
 */
export class EndpointWriteSteps {
  constructor(
    private readonly db: Knex,
    private readonly endpoints: EndpointStore,
    private readonly outbox: OutboxStore,
    private readonly claimStaleAfterMs: number,
  ) {}

  /** A write to an existing endpoint. */
  async write(idOrName: string, stage: Stage): Promise<WriteResult<Endpoint>> {
    const first = await this.db.transaction(async tx => {
      const current = await this.endpoints.getForUpdate(idOrName, tx);
      this.endpoints.assertUnclaimed(current, this.claimStaleAfterMs);
      try {
        // In a savepoint: kept when the change is final now, rolled back when the cluster is next.
        const result = await tx.transaction(async savepoint => {
          const staged = await stage(current, savepoint);
          if (staged.send && !(await this.hasPending(staged.send, savepoint))) {
            throw new StagedCall(staged.send);
          }
          return this.finish(staged, savepoint, { queue: true });
        });
        return { result };
      } catch (error) {
        if (!(error instanceof StagedCall)) throw error;
        const token = await this.endpoints.claimChange(
          current,
          tx,
          this.claimStaleAfterMs,
        );
        return {
          claim: { endpointId: current.asset.id, token, send: error.send },
        };
      }
    });
    return first.result ?? this.sendClaimed(first.claim, stage);
  }

  /**
   * A create: step 1 commits the new endpoint, claimed, when the cluster is to be called (the
   * name is taken, and nothing else changes the endpoint before the cluster has answered), and
   * it is deleted again when the cluster refuses it. `restage` is step 3's stage; `commit` runs
   * in the transaction that makes the outcome final.
   */
  async create(
    stage: (tx: Knex) => Promise<Staged>,
    restage: Stage,
    commit: Commit,
  ): Promise<WriteResult<Endpoint>> {
    const first = await this.db.transaction(async tx => {
      const staged = await stage(tx);
      if (!staged.send || (await this.hasPending(staged.send, tx))) {
        const result = await this.finish(staged, tx, { queue: true });
        await commit(tx, result);
        return { result };
      }
      const token = await this.endpoints.claimChange(
        staged.resource,
        tx,
        this.claimStaleAfterMs,
      );
      const endpointId = staged.resource.asset.id;
      return { claim: { endpointId, token, send: staged.send } };
    });
    return (
      first.result ??
      this.sendClaimed(first.claim, restage, {
        commit,
        undo: (endpointId, tx) => this.endpoints.delete(endpointId, tx),
      })
    );
  }

  /**
   * Steps 2 and 3 of a write whose endpoint is claimed. A create passes `undo` (removes the
   * endpoint its step 1 committed, when the cluster refuses it) and `commit`.
   */
  private async sendClaimed(
    claim: Claim,
    stage: Stage,
    create?: {
      commit: Commit;
      undo: (endpointId: string, tx: Knex) => Promise<unknown>;
    },
  ): Promise<WriteResult<Endpoint>> {
    const { endpointId, token, send } = claim;
    try {
      let record: ((tx: Knex) => Promise<Endpoint>) | undefined;
      let unavailable = false;
      try {
        record = await send.tool.connection.call(send.call);
      } catch (error) {
        if (!isUnavailable(error)) {
          if (create) {
            await this.db.transaction(async tx => {
              await this.claimed(endpointId, token, tx);
              await create.undo(endpointId, tx);
            });
          }
          throw toApiError(error);
        }
        unavailable = true;
      }
      return await this.db.transaction(async tx => {
        const current = await this.claimed(endpointId, token, tx);
        await this.endpoints.releaseChange(endpointId, token, tx);
        // Step 1's change again, on the endpoint as step 1 left it: the claim kept others off.
        const result = await this.finish(await stage(current, tx), tx, {
          queue: unavailable,
          record,
        });
        await create?.commit(tx, result);
        return result;
      });
    } catch (error) {
      // Released with the change normally; a write that fails on the way must not keep it.
      await this.db
        .transaction(tx => this.endpoints.releaseChange(endpointId, token, tx))
        .catch(() => {});
      throw error;
    }
  }

  /** The endpoint, locked, while the claim `token` holds it; a 409 when it ran out and was taken over. */
  private async claimed(
    endpointId: string,
    token: string,
    tx: Knex,
  ): Promise<Endpoint> {
    const current = await this.endpoints.getForUpdate(endpointId, tx);
    if (!this.endpoints.holdsClaim(current, token)) {
      throw new ConflictError(
        `Endpoint '${current.asset.name}' was changed by another request while its serving platform was slow to answer; check its state and retry`,
      );
    }
    return current;
  }

  /**
   * Makes a staged change final in `tx`: as it is when it needs no cluster call; else queued in
   * the outbox when `queue`, or with the cluster's answer recorded.
   */
  private async finish(
    staged: Staged,
    tx: Knex,
    options: { queue?: boolean; record?: (tx: Knex) => Promise<Endpoint> },
  ): Promise<WriteResult<Endpoint>> {
    const { resource, send } = staged;
    if (!send) return { resource };
    if (options.queue) {
      const integration = send.tool.connection.id;
      const outboxId = await this.outbox.enqueue(tx, {
        integration,
        ...send.entry,
      });
      send.tool.connection.tracker.setOutboxDepth(
        await outboxDepth(tx, integration),
      );
      return { resource, queued: { outboxId, integration } };
    }
    return { resource: options.record ? await options.record(tx) : resource };
  }

  /** Whether writes for the call's cluster wait in the outbox: a new one must queue behind them. */
  private hasPending(send: ClusterCall, tx: Knex): Promise<boolean> {
    return this.outbox.hasPending(send.tool.connection.id, tx);
  }
}
