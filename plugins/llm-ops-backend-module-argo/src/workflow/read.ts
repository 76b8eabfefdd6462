import { gunzipSync } from 'node:zlib';
import type { PipelineRunState } from '@llm-ops/backstage-plugin-llm-ops-node';
import type { KubernetesObject } from '@llm-ops/backstage-plugin-llm-ops-backend-module-kserve';
import { TEMPLATE_LABELS } from './resources';

type Node = PipelineRunState['nodes'][number];

const PHASES: ReadonlySet<string> = new Set([
  'Pending',
  'Running',
  'Succeeded',
  'Failed',
  'Error',
]);

/**
 * A Workflow (as the Kubernetes API or the Argo Server returns it) as llm-ops' PipelineRunState.
 *
 * - `externalId` is `<namespace>/<name>`, unique per cluster or Argo Server.
 * - `phase`: Argo's phase; a Workflow the controller has not picked up yet (no phase) is Pending.
 * - `parameters`: the template's arguments overlaid with the Workflow's own, as the controller
 *   resolves them (`status.storedWorkflowTemplateSpec` holds the template's once it ran).
 * - `nodes`: `status.nodes`, or the gzip+base64 `status.compressedNodes` the controller writes
 *   for large workflows. Nodes offloaded to Argo's database (`offloadNodeStatusVersion`) are not
 *   in the object; they come back as an empty list (the Argo Server hydrates them).
 */
export function toPipelineRunState(
  workflow: KubernetesObject,
  context: { cluster?: string; url?: string } = {},
): PipelineRunState {
  const metadata = workflow.metadata ?? {};
  const spec = workflow.spec ?? {};
  const status = workflow.status ?? {};
  const labels = { ...(metadata.labels ?? {}) };
  const name = metadata.name ?? '';
  const state: PipelineRunState = {
    externalId: `${metadata.namespace ?? ''}/${name}`,
    name,
    labels,
    parameters: {
      ...readParameters(status.storedWorkflowTemplateSpec?.arguments),
      ...readParameters(spec.arguments),
    },
    phase: PHASES.has(status.phase) ? status.phase : 'Pending',
    progress: stringOr(status.progress) ?? null,
    nodes: readNodes(status),
    startedAt: toMillis(status.startedAt),
    finishedAt: toMillis(status.finishedAt),
  };
  if (context.cluster !== undefined) state.cluster = context.cluster;
  if (metadata.namespace) state.namespace = metadata.namespace;
  const templateName =
    stringOr(spec.workflowTemplateRef?.name) ??
    labels[TEMPLATE_LABELS.WorkflowTemplate] ??
    labels[TEMPLATE_LABELS.ClusterWorkflowTemplate];
  if (templateName) state.templateName = templateName;
  if (context.url) state.url = context.url;
  return state;
}

function readParameters(args: any): Record<string, string> {
  const parameters: Record<string, string> = {};
  if (!Array.isArray(args?.parameters)) return parameters;
  for (const p of args.parameters) {
    if (typeof p?.name !== 'string') continue;
    const value = p.value ?? p.default;
    if (value === undefined || value === null) continue;
    parameters[p.name] = typeof value === 'string' ? value : String(value);
  }
  return parameters;
}

function readNodes(status: any): Node[] {
  let nodes: unknown = status.nodes;
  if (!isObject(nodes) && typeof status.compressedNodes === 'string') {
    try {
      nodes = JSON.parse(
        gunzipSync(Buffer.from(status.compressedNodes, 'base64')).toString(
          'utf8',
        ),
      );
    } catch {
      nodes = undefined;
    }
  }
  if (!isObject(nodes)) return [];
  return Object.entries(nodes)
    .filter(([, n]) => isObject(n))
    .map(([id, n]: [string, any]) => {
      const node: Node = {
        id: stringOr(n.id) ?? id,
        name: stringOr(n.name) ?? id,
        displayName: stringOr(n.displayName) ?? stringOr(n.name) ?? id,
        type: stringOr(n.type) ?? 'Unknown',
        phase: stringOr(n.phase) ?? 'Pending',
      };
      const startedAt = stringOr(n.startedAt);
      const finishedAt = stringOr(n.finishedAt);
      const message = stringOr(n.message);
      if (startedAt) node.startedAt = startedAt;
      if (finishedAt) node.finishedAt = finishedAt;
      if (message) node.message = message;
      return node;
    })
    .sort(
      (a, b) =>
        (a.startedAt ?? '\uffff').localeCompare(b.startedAt ?? '\uffff') ||
        a.name.localeCompare(b.name),
    );
}

function toMillis(value: unknown): number | null {
  if (typeof value !== 'string' || value === '') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
