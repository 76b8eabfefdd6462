import type { AnyRequest } from '../service/types';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type Permission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import {
  llmOpsPermissionsByResource as byResource,
  type LlmOpsAssetPermission,
} from '@llm-ops/backstage-plugin-llm-ops-common';
import type { AccessControl } from '../service/access';
import type {
  GraphEdge,
  GraphNode,
  GraphNodeType,
  LineageGraphResult,
} from '../database/LineageGraph';
import type { AssetListFilter } from '../database/AssetStore';
import type { AssetFacts } from './resource';
import { llmOpsAssetRuleset } from './rules';
import { listFilterOf } from './assetAccess';

/** A node as far as visibility goes: what it is and which one. */
type NodeRef = Pick<GraphNode, 'type' | 'id'>;

/** Loads the owning assets of nodes, by node id (database/lineageOwners.ts). */
export type LoadNodeOwners = (
  nodes: NodeRef[],
) => Promise<Map<string, AssetFacts>>;

/**
 * The reads that show a node of each type: the read of the asset that owns it (checked on that
 * asset), and for runs also the run read (a basic permission, as on the run routes).
 */
const readsOf: Record<GraphNodeType, Permission[]> = {
  experiment: [byResource.experiment.read],
  run: [byResource.experiment.read, byResource.run.read],
  model: [byResource.model.read],
  'model-version': [byResource.model.read],
  dataset: [byResource.dataset.read],
  'dataset-version': [byResource.dataset.read],
  endpoint: [byResource.endpoint.read],
  pipeline: [byResource.pipeline.read],
  'pipeline-run': [byResource.pipeline.read],
};

const everyRead = [...new Set(Object.values(readsOf).flat())];

// The policy's conditions evaluated in memory, the way apply-conditions would on each asset.
const allowedOn = createConditionAuthorizer(llmOpsAssetRuleset);

/** A node the caller may not read: no name, no id, only where it sits in the graph. */
export type HiddenLineageNode = Omit<GraphNode, 'type' | 'id' | 'label'> & {
  type: 'hidden';
  id: string;
  label: string;
};

/** The lineage graph as the caller may see it. */
export type VisibleLineageGraph = {
  root: string;
  nodes: Array<GraphNode | HiddenLineageNode>;
  edges: GraphEdge[];
};

/**
 * Which lineage nodes a caller may see, for the lineage graph and for the store-wide lineage
 * feeds. The read decisions of every kind a graph can span are asked once, in one round, before
 * anything is loaded. When they all allow outright the graph is
 * shown as it is and no asset is loaded. Otherwise the assets that own the nodes under a
 * condition are loaded in one query and the conditions are evaluated on them in memory; a node
 * the caller may not read becomes a placeholder (`hidden-<n>`, type `hidden`) that keeps its
 * place and edges, so the graph stays connected without saying what is there.
 */
export class LineageVisibility {
  private constructor(
    private readonly decisions: Map<string, PolicyDecision>,
  ) {}

  static async decide(
    access: AccessControl,
    req: AnyRequest,
  ): Promise<LineageVisibility> {
    const { decisions } = await access.decideAll(req, everyRead);
    return new LineageVisibility(
      new Map(everyRead.map((p, i) => [p.name, decisions[i]])),
    );
  }

  /** 403 when the policy denies reading resources of the root's type outright. */
  assertRootTypeReadable(type: GraphNodeType): void {
    const denied = readsOf[type].find(
      p => this.decisionOf(p).result === AuthorizeResult.DENY,
    );
    if (denied) throw new NotAllowedError(`Not allowed: ${denied.name}`);
  }

  /** The SQL filter of a kind's list under its read decision; 403 when it is denied. */
  listFilter(read: LlmOpsAssetPermission): AssetListFilter | undefined {
    return listFilterOf(this.decisionOf(read), read);
  }

  /** Of the given node types, those the policy denies reading outright. */
  deniedTypes<T extends GraphNodeType>(types: readonly T[]): T[] {
    return types.filter(type =>
      readsOf[type].some(
        p => this.decisionOf(p).result === AuthorizeResult.DENY,
      ),
    );
  }

  /**
   * Whether the caller may read each of these nodes. The owning assets of the nodes under a
   * condition are loaded in one query and the conditions evaluated on them in memory; nothing
   * is loaded when no node is conditional.
   */
  async readable(
    nodes: NodeRef[],
    loadOwners: LoadNodeOwners,
  ): Promise<(node: NodeRef) => boolean> {
    const conditional = nodes.filter(node =>
      readsOf[node.type].some(
        p => this.decisionOf(p).result === AuthorizeResult.CONDITIONAL,
      ),
    );
    const owners =
      conditional.length > 0 ? await loadOwners(conditional) : new Map();
    return node =>
      readsOf[node.type].every(p =>
        allowedOn(this.decisionOf(p), owners.get(node.id)),
      );
  }

  /**
   * The graph with the nodes the caller may not read replaced by placeholders; `rootHidden()`
   * (the answer for a missing root) when the root is one of them.
   */
  async redact(
    graph: LineageGraphResult,
    loadOwners: LoadNodeOwners,
    rootHidden: () => Error,
  ): Promise<VisibleLineageGraph> {
    if (
      everyRead.every(p => this.decisionOf(p).result === AuthorizeResult.ALLOW)
    ) {
      return graph;
    }
    const visible = await this.readable(graph.nodes, loadOwners);
    const root = graph.nodes.find(node => node.id === graph.root)!;
    if (!visible(root)) throw rootHidden();

    const placeholders = new Map<string, string>();
    const nodes = graph.nodes.map(node => {
      if (visible(node)) return node;
      const hidden: HiddenLineageNode = {
        type: 'hidden',
        id: `hidden-${placeholders.size + 1}`,
        label: 'hidden',
        direction: node.direction,
        distance: node.distance,
      };
      placeholders.set(node.id, hidden.id);
      return hidden;
    });
    const rename = (id: string) => placeholders.get(id) ?? id;
    return {
      root: graph.root,
      nodes,
      edges: graph.edges.map(edge => ({
        from: rename(edge.from),
        to: rename(edge.to),
        relation: edge.relation,
      })),
    };
  }

  private decisionOf(permission: Permission): PolicyDecision {
    return this.decisions.get(permission.name)!;
  }
}
