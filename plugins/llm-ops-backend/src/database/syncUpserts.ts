import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type {
  TrackedExperiment,
  TrackedRun,
} from '@llm-ops/backstage-plugin-llm-ops-node';
import { resourceIdOf, upsertSourceRef } from './sourceRefs';
import { isUniqueViolation } from './constraintErrors';

/*
 * How what a tool reports lands in the store: by source reference first, then by the llm-ops id
 * the tool carries (resources we created there), then (experiments) by unique name; otherwise a
 * new llm-ops resource. The tool is the system of record for what it holds, so its fields win.
 */

export async function upsertTrackedExperiment(
  db: Knex,
  integration: string,
  e: TrackedExperiment,
): Promise<string> {
  return db.transaction(async tx => {
    let id =
      (await resourceIdOf(tx, integration, 'experiment', e.externalId)) ??
      (e.tags['llm-ops.id'] &&
        (
          await tx('assets')
            .where({ id: e.tags['llm-ops.id'], kind: 'experiment' })
            .first('id')
        )?.id) ??
      (
        await tx('assets')
          .where({ kind: 'experiment', name: e.name })
          .first('id')
      )?.id;
    const tags = Object.fromEntries(
      Object.entries(e.tags).filter(([k]) => k !== 'llm-ops.id'),
    );
    const row = {
      name: e.name,
      description: e.description ?? null,
      lifecycle: e.lifecycle,
      deleted_at: e.lifecycle === 'deleted' ? e.updatedAt : null,
      updated_at: e.updatedAt,
    };
    if (id) {
      try {
        // A savepoint: on PostgreSQL a failed statement would otherwise abort the transaction.
        await tx.transaction(sp => sp('assets').where({ id }).update(row));
      } catch (error) {
        // Renamed in the tool to a name another (local-only) experiment holds: keep ours.
        if (!isUniqueViolation(error)) throw error;
        await tx('assets')
          .where({ id })
          .update({ ...row, name: undefined });
      }
    } else {
      id = randomUUID();
      await tx('assets').insert({
        id,
        kind: 'experiment',
        ...row,
        spec: '{}',
        status: '{}',
        created_at: e.createdAt,
      });
    }
    await tx('tags').where('resource_id', id).delete();
    if (Object.keys(tags).length > 0) {
      await tx('tags').insert(
        Object.entries(tags).map(([key, value]) => ({
          resource_id: id,
          key,
          value,
        })),
      );
    }
    await upsertSourceRef(tx, {
      integration,
      resourceType: 'experiment',
      externalId: e.externalId,
      resourceId: id!,
      url: e.url,
    });
    return id!;
  });
}

export async function upsertTrackedRun(
  db: Knex,
  integration: string,
  experimentId: string,
  r: TrackedRun,
): Promise<string> {
  return db.transaction(async tx => {
    const stamped = r.tags['llm-ops.id'];
    let id =
      (await resourceIdOf(tx, integration, 'run', r.externalId)) ??
      (stamped && (await tx('runs').where({ id: stamped }).first('id'))?.id);
    const now = Date.now();
    const row = {
      experiment_id: experimentId,
      name: r.name,
      status: r.status,
      start_time: r.startTime,
      end_time: r.endTime,
      lifecycle: r.lifecycle,
      deleted_at: r.lifecycle === 'deleted' ? now : null,
      updated_at: now,
    };
    if (id) {
      const before = await tx('runs').where({ id }).first('experiment_id');
      await tx('runs').where({ id }).update(row);
      // The key/value rows repeat their run's experiment (run search starts from it). A tool's
      // run never changes experiment, but the llm-ops experiment it maps to might: then the
      // rows this sync does not rewrite (params and metrics it no longer reports) follow.
      if (before?.experiment_id !== experimentId) {
        for (const table of ['run_params', 'run_latest_metrics']) {
          await tx(table)
            .where('run_id', id)
            .update({ experiment_id: experimentId });
        }
      }
    } else {
      id = randomUUID();
      await tx('runs').insert({ id, ...row, created_at: r.startTime ?? now });
    }
    const owner = { run_id: id, experiment_id: experimentId };
    const tags = Object.entries(r.tags).filter(([k]) => k !== 'llm-ops.id');
    await tx('run_tags').where('run_id', id).delete();
    if (tags.length > 0)
      await tx('run_tags').insert(
        tags.map(([key, value]) => ({ ...owner, key, value })),
      );
    const params = Object.entries(r.params);
    if (params.length > 0) {
      await tx('run_params')
        .insert(params.map(([key, value]) => ({ ...owner, key, value })))
        .onConflict(['run_id', 'key'])
        .merge(['value']);
    }
    // MLflow keeps NaN (a diverged loss is common). PostgreSQL stores it, and the API shows it
    // as null; SQLite has no NaN and binds it as NULL, which the NOT NULL column refuses. There
    // the metric is left out of the run's latest values rather than the run left out of the store.
    const sqlite = tx.client.config.client.includes('sqlite');
    const metrics = Object.entries(r.metrics).filter(
      ([, m]) => !(sqlite && Number.isNaN(m.value)),
    );
    if (metrics.length > 0) {
      await tx('run_latest_metrics')
        .insert(
          metrics.map(([key, m]) => ({
            ...owner,
            key,
            value: m.value,
            step: m.step,
            timestamp: m.timestamp,
          })),
        )
        .onConflict(['run_id', 'key'])
        .merge(['value', 'step', 'timestamp']);
    }
    await upsertSourceRef(tx, {
      integration,
      resourceType: 'run',
      externalId: r.externalId,
      resourceId: id!,
      url: r.url,
    });
    return id!;
  });
}
