#!/usr/bin/env bash
# Self-check of the test Kubernetes API server (scripts/services/kube-apiserver.sh): starts it (or
# reuses it), then talks to it with curl and the kubeconfig's own certificates the way the
# project's adapters and a controller would: KServe InferenceService CRUD, validation by the real
# CRD schema, a status write through the /status subresource, Argo WorkflowTemplate + Workflow.
# Prints PASS/FAIL per check; exits 1 if any check fails. Leaves the server running.
# Usage: scripts/services/kube-apiserver-selfcheck.sh
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$(dirname "$0")/../lib/common.sh"
need_cmd jq "install jq (apt-get install jq)"

t0=$(date +%s%N)
KUBECONFIG_FILE="$("$(dirname "$0")/kube-apiserver.sh" start)"
ms=$((($(date +%s%N) - t0) / 1000000))
printf 'kube-apiserver.sh start took %d.%03d s; kubeconfig %s\n' $((ms / 1000)) $((ms % 1000)) "$KUBECONFIG_FILE"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# The credentials come from the kubeconfig itself, which checks that it is complete and usable.
kc_field() { sed -n "s/^[[:space:]]*$1:[[:space:]]*//p" "$KUBECONFIG_FILE" | head -1; }
SERVER="$(kc_field server)"
kc_field certificate-authority-data | base64 -d >"$WORK/ca.crt"
kc_field client-certificate-data | base64 -d >"$WORK/client.crt"
kc_field client-key-data | base64 -d >"$WORK/client.key"
if [ -z "$SERVER" ] || [ ! -s "$WORK/ca.crt" ] || [ ! -s "$WORK/client.crt" ] || [ ! -s "$WORK/client.key" ]; then
  die "the kubeconfig $KUBECONFIG_FILE lacks the server or the embedded certificates" "run scripts/services/kube-apiserver.sh stop, remove .tools/services/kube/pki and start again"
fi

# req METHOD PATH [CONTENT-TYPE BODY]: sets CODE; the response body is in $WORK/out.json.
req() {
  local args=(-sS --max-time 60 --cacert "$WORK/ca.crt" --cert "$WORK/client.crt" --key "$WORK/client.key"
    -o "$WORK/out.json" -w '%{http_code}' -X "$1")
  [ $# -ge 4 ] && args+=(-H "Content-Type: $3" --data-binary "$4")
  CODE="$(curl "${args[@]}" "$SERVER$2")" || CODE=000
}
out() { jq -r "$1" "$WORK/out.json" 2>/dev/null; }

FAILED=0
# check NAME EXPECTED-CODE [JQ-FILTER EXPECTED-VALUE]
check() {
  local name="$1" want="$2" got_val=""
  if [ "$CODE" != "$want" ]; then
    printf 'FAIL %s: HTTP %s, expected %s: %s\n' "$name" "$CODE" "$want" "$(out '.message // empty' | head -c 300)"
    FAILED=1; return
  fi
  if [ $# -ge 4 ]; then
    got_val="$(out "$3")"
    if [ "$got_val" != "$4" ]; then
      printf 'FAIL %s: %s is "%s", expected "%s"\n' "$name" "$3" "$got_val" "$4"
      FAILED=1; return
    fi
  fi
  printf 'PASS %s\n' "$name"
}

ISVC=/apis/serving.kserve.io/v1beta1/namespaces/models/inferenceservices
WFT=/apis/argoproj.io/v1alpha1/namespaces/pipelines/workflowtemplates
WF=/apis/argoproj.io/v1alpha1/namespaces/pipelines/workflows
# Leftovers of an interrupted earlier run.
for p in "$ISVC/selfcheck-sklearn" "$WF/selfcheck-run" "$WFT/selfcheck-train"; do req DELETE "$p"; done

req GET /api/v1/namespaces
check "no core API: GET /api/v1/namespaces is 404 (documented limit)" 404

req GET /apis/serving.kserve.io/v1beta1
check "discovery lists inferenceservices" 200 '[.resources[].name] | index("inferenceservices") != null' true

req POST "$ISVC" application/json '{
  "apiVersion": "serving.kserve.io/v1beta1", "kind": "InferenceService",
  "metadata": {"name": "selfcheck-sklearn", "namespace": "models"},
  "spec": {"predictor": {"minReplicas": 1, "model": {"modelFormat": {"name": "sklearn"},
           "storageUri": "gs://kfserving-examples/models/sklearn/1.0/model"}}}}'
check "create InferenceService models/selfcheck-sklearn (namespace 'models' was never created)" 201

req GET "$ISVC/selfcheck-sklearn"
check "read InferenceService back" 200 '"\(.spec.predictor.model.modelFormat.name) \(.spec.predictor.model.storageUri)"' \
  "sklearn gs://kfserving-examples/models/sklearn/1.0/model"

req POST "$ISVC" application/json '{
  "apiVersion": "serving.kserve.io/v1beta1", "kind": "InferenceService",
  "metadata": {"name": "selfcheck-invalid", "namespace": "models"},
  "spec": {"predictor": {"minReplicas": "abc", "model": {"modelFormat": {"name": "sklearn"}}}}}'
check "CRD schema rejects spec.predictor.minReplicas: \"abc\" (422)" 422 \
  '.details.causes | map(.field) | index("spec.predictor.minReplicas") != null' true

req POST "$ISVC" application/json '{
  "apiVersion": "serving.kserve.io/v1beta1", "kind": "InferenceService",
  "metadata": {"name": "selfcheck-invalid", "namespace": "models"},
  "spec": {"predictor": {"scaleMetric": "gpu-temperature", "model": {"modelFormat": {"name": "sklearn"}}}}}'
check "CRD schema rejects unknown enum spec.predictor.scaleMetric (422)" 422 \
  '.details.causes | map(.field) | index("spec.predictor.scaleMetric") != null' true

req POST "$ISVC" application/json '{
  "apiVersion": "serving.kserve.io/v1beta1", "kind": "InferenceService",
  "metadata": {"name": "selfcheck-invalid", "namespace": "models"}, "spec": {}}'
check "CRD schema rejects a missing spec.predictor (422)" 422

NOW="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
req PATCH "$ISVC/selfcheck-sklearn/status" application/merge-patch+json "{\"status\": {
  \"url\": \"http://selfcheck-sklearn.models.example.com\", \"observedGeneration\": 1,
  \"conditions\": [
    {\"type\": \"PredictorReady\", \"status\": \"True\", \"lastTransitionTime\": \"$NOW\"},
    {\"type\": \"IngressReady\", \"status\": \"True\", \"lastTransitionTime\": \"$NOW\"},
    {\"type\": \"Ready\", \"status\": \"True\", \"lastTransitionTime\": \"$NOW\"}]}}"
check "PATCH .../status like the KServe controller (Ready=True, url)" 200 \
  '"\([.status.conditions[] | select(.type == "Ready") | .status][0]) \(.status.url)"' "True http://selfcheck-sklearn.models.example.com"

req PATCH "$ISVC/selfcheck-sklearn" application/merge-patch+json '{"status": {"url": "http://overwritten.example.com"}}'
check "status is ignored on the main resource (status subresource semantics)" 200 '.status.url' "http://selfcheck-sklearn.models.example.com"

req POST "$WFT" application/json '{
  "apiVersion": "argoproj.io/v1alpha1", "kind": "WorkflowTemplate",
  "metadata": {"name": "selfcheck-train", "namespace": "pipelines"},
  "spec": {"entrypoint": "main", "arguments": {"parameters": [{"name": "model", "value": "sklearn"}]},
    "templates": [{"name": "main", "inputs": {"parameters": [{"name": "model"}]},
      "container": {"image": "python:3.12-slim", "command": ["python", "-c"],
                    "args": ["print(\"training {{inputs.parameters.model}}\")"]}}]}}'
check "create WorkflowTemplate pipelines/selfcheck-train" 201

req POST "$WF" application/json '{
  "apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
  "metadata": {"name": "selfcheck-run", "namespace": "pipelines", "labels": {"workflows.argoproj.io/workflow-template": "selfcheck-train"}},
  "spec": {"workflowTemplateRef": {"name": "selfcheck-train"}, "arguments": {"parameters": [{"name": "model", "value": "xgboost"}]}}}'
check "create Workflow referencing the template" 201 '.spec.workflowTemplateRef.name' selfcheck-train

req GET "$WF?labelSelector=workflows.argoproj.io/workflow-template%3Dselfcheck-train"
check "list Workflows by label" 200 '[.items[].metadata.name] | join(",")' selfcheck-run

req PATCH "$WF/selfcheck-run" application/merge-patch+json '{"status": {"phase": "Succeeded"}}'
check "Workflow status is written with the object (no status subresource)" 200 '.status.phase' Succeeded

for p in "$WF/selfcheck-run" "$WFT/selfcheck-train" "$ISVC/selfcheck-sklearn"; do
  req DELETE "$p"
  check "delete ${p##*/}" 200
  req GET "$p"
  check "${p##*/} is gone" 404
done

if [ "$FAILED" -ne 0 ]; then echo "kube-apiserver self-check: FAILED"; exit 1; fi
echo "kube-apiserver self-check: all checks passed"
