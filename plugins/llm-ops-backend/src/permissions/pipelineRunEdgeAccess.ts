import type { Request as ExpressRequest } from 'express';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type Permission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  createConditionTransformer,
} from '@backstage/plugin-permission-node';
import { llmOpsPermissionsByResource as byResource } from '@llm-ops/backstage-plugin-llm-ops-common';
import type { AccessControl } from '../service/access';
import type { AssetListFilter } from '../database/AssetStore';
import type {
  PipelineLineageEdge,
  PipelineRunEdgeTargetType,
} from '../database/PipelineRunEdgeFeed';
import type { LineageNodeOwner } from '../database/lineageOwners';
import { assetCriteriaFilter } from './assetCriteriaFilter';
import { llmOpsAssetRuleset } from './rules';

// Typed routers narrow params, query and body; these helpers accept any of them.
type Request = ExpressRequest<any, any, any, any, any>;

const pipelineRead = byResource.pipeline.read;

/**
 * The reads that show what an edge points at, as in the lineage graph (lineageAccess.ts): a
 * version needs its model's or dataset's read, a run its experiment's read and the run read.
 */
const targetReads: Record<PipelineRunEdgeTargetType, Permission[]> = {
  run: [byResource.experiment.read, byResource.run.read],
  'dataset-version': [byResource.dataset.read],
  'model-version': [byResource.model.read],
};

const everyRead = [
  ...new Set([pipelineRead, ...Object.values(targetReads).flat()]),
];

// The policy's conditions as SQL on the pipelines, and evaluated in memory on a target's asset.
const toAssetQuery = createConditionTransformer(llmOpsAssetRuleset);
const allowedOn = createConditionAuthorizer(llmOpsAssetRuleset);

/**
 * Which pipeline run edges a caller may see. The pipeline read decides which pipelines' runs are
 * read at all: a DENY is a 403, a condition becomes SQL on the pipelines (applied before paging).
 * An edge to something the caller may not read is left out, as the lineage graph hides that
 * node: by type in SQL when the policy denies the read outright, and after loading the owning
 * assets (one query per page) when it is conditional. All decisions are asked in one round.
 */
export class PipelineRunEdgeVisibility {
  private constructor(
    private readonly decisions: Map<string, PolicyDecision>,
  ) {}

  static async decide(
    access: AccessControl,
    req: Request,
  ): Promise<PipelineRunEdgeVisibility> {
    const { decisions } = await access.decideAll(req, everyRead);
    const visibility = new PipelineRunEdgeVisibility(
      new Map(everyRead.map((p, i) => [p.name, decisions[i]])),
    );
    if (visibility.decisionOf(pipelineRead).result === AuthorizeResult.DENY) {
      throw new NotAllowedError(`Not allowed: ${pipelineRead.name}`);
    }
    return visibility;
  }

  /** The SQL filter on the pipelines for a conditional pipeline read; none when allowed. */
  pipelineFilter(): AssetListFilter | undefined {
    const decision = this.decisionOf(pipelineRead);
    return decision.result === AuthorizeResult.CONDITIONAL
      ? assetCriteriaFilter(toAssetQuery(decision.conditions))
      : undefined;
  }

  /** Target types the caller may read none of. */
  deniedTargetTypes(): PipelineRunEdgeTargetType[] {
    return this.targetTypesWhere(AuthorizeResult.DENY);
  }

  /** The edges whose target the caller may read, loading the owners of conditional ones. */
  async visible(
    edges: PipelineLineageEdge[],
    loadOwners: (
      nodes: Array<{ type: PipelineRunEdgeTargetType; id: string }>,
    ) => Promise<Map<string, LineageNodeOwner>>,
  ): Promise<PipelineLineageEdge[]> {
    const conditional = new Set(
      this.targetTypesWhere(AuthorizeResult.CONDITIONAL),
    );
    const checked = edges.filter(e => conditional.has(e.toType));
    if (checked.length === 0) return edges;
    const owners = await loadOwners(
      checked.map(e => ({ type: e.toType, id: e.toId })),
    );
    return edges.filter(e =>
      targetReads[e.toType].every(p =>
        allowedOn(this.decisionOf(p), owners.get(e.toId)),
      ),
    );
  }

  private targetTypesWhere(
    result: AuthorizeResult,
  ): PipelineRunEdgeTargetType[] {
    return (Object.keys(targetReads) as PipelineRunEdgeTargetType[]).filter(
      type => targetReads[type].some(p => this.decisionOf(p).result === result),
    );
  }

  private decisionOf(permission: Permission): PolicyDecision {
    return this.decisions.get(permission.name)!;
  }
}
