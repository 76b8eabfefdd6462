import type { OrchestrationAdapter } from '@llm-ops/backstage-plugin-llm-ops-node';
import {
  KubernetesAdapterError,
  type KubernetesObject,
} from '@llm-ops/backstage-plugin-llm-ops-backend-module-kserve';
import { TEMPLATE_LABELS } from './resources';

/** What `submit` takes. */
export type SubmitInput = Parameters<OrchestrationAdapter['submit']>[0];

// Kubernetes label syntax: an optional DNS-subdomain prefix and a name of at most 63 characters.
const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;
const LABEL_PREFIX =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

/**
 * Checks what both ways of submitting need: a template kind Argo knows, a template name, label
 * keys and values in Kubernetes' syntax (the Argo Server takes labels as one `a=b,c=d` string,
 * so a malformed one would be split wrongly rather than refused) and parameter names without
 * `=` (it takes parameters as `name=value` strings). A 400 otherwise.
 */
export function checkSubmitInput(input: SubmitInput): void {
  const bad = (message: string) => new KubernetesAdapterError(400, message);
  const kind = input.templateRef?.kind;
  if (kind !== 'WorkflowTemplate' && kind !== 'ClusterWorkflowTemplate') {
    throw bad(
      `templateRef.kind must be WorkflowTemplate or ClusterWorkflowTemplate; got ${kind}`,
    );
  }
  if (!input.templateRef.name?.trim()) {
    throw bad('templateRef.name is required');
  }
  for (const [key, value] of Object.entries(input.labels ?? {})) {
    const slash = key.lastIndexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    if (
      !LABEL_NAME.test(name) ||
      (prefix !== undefined &&
        (prefix.length > 253 || !LABEL_PREFIX.test(prefix)))
    ) {
      throw bad(`Invalid label key '${key}'`);
    }
    if (typeof value !== 'string' || !LABEL_VALUE.test(value)) {
      throw bad(`Invalid value of label '${key}': '${value}'`);
    }
  }
  for (const name of Object.keys(input.parameters ?? {})) {
    if (name === '' || name.includes('=')) {
      throw bad(`Invalid parameter name '${name}'`);
    }
  }
}

/**
 * The Workflow that runs a template, as Argo's own `submit --from` builds it: `generateName`
 * `<template>-`, `spec.workflowTemplateRef` (`clusterScope: true` for a ClusterWorkflowTemplate),
 * the parameters as `spec.arguments.parameters` overriding the template's, and the template label
 * Argo's UI filters on. `labels` come first, so the adapter's own labels win.
 */
export function buildWorkflow(
  input: SubmitInput,
  options: { namespace: string; labels: Record<string, string> },
): KubernetesObject {
  checkSubmitInput(input);
  const { kind, name } = input.templateRef;
  const parameters = Object.entries(input.parameters ?? {}).map(
    ([parameter, value]) => ({ name: parameter, value: String(value) }),
  );
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      generateName: `${name}-`,
      namespace: options.namespace,
      labels: {
        ...input.labels,
        [TEMPLATE_LABELS[kind]]: name,
        ...options.labels,
      },
    },
    spec: {
      workflowTemplateRef: {
        name,
        ...(kind === 'ClusterWorkflowTemplate' ? { clusterScope: true } : {}),
      },
      ...(parameters.length > 0 ? { arguments: { parameters } } : {}),
    },
  };
}
