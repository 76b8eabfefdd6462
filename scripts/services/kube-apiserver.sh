#!/usr/bin/env bash
# A real Kubernetes API server for custom resources only, on loopback, for CRD-level tests:
# k8s.io/apiextensions-apiserver (built from the Go module proxy) on top of Debian's etcd.
# Usage: scripts/services/kube-apiserver.sh start|stop|status|kubeconfig
#   start       starts etcd and the API server (or reuses them), applies the Argo Workflows and
#               KServe CRDs and waits until they are Established; prints the kubeconfig path
#               as its only line on stdout.
#   stop        stops the API server and etcd (the processes in the pid files).
#   status      prints "up at https://127.0.0.1:<port>" or "down" (exit 1).
#   kubeconfig  prints the kubeconfig path (admin client certificate, O=system:masters).
# Settings: LLM_OPS_CRDS_DIR (default ../shared/crds beside the checkout), LLM_OPS_KUBE_PORT,
# LLM_OPS_ETCD_PORT (etcd also uses LLM_OPS_ETCD_PORT+1 for its peer listener).
# Everything lives in .tools/services/kube (etcd data, certificates, logs, kubeconfig); the etcd
# data, and so the objects tests create, survive a stop/start. Remove .tools/services/kube/etcd
# (with the server stopped) to start from an empty store.
#
# LIMITS: this is NOT a cluster.
#  * No core API: /api/v1 does not exist, so there are no Pods, Services, Namespaces, ConfigMaps,
#    Secrets, Events, no RBAC and no SubjectAccessReview. Namespaced custom resources can be
#    created in ANY namespace name without creating the Namespace (NamespaceLifecycle is off and
#    there is nothing to create it with).
#  * No controllers: nothing reconciles. An InferenceService never becomes Ready and a Workflow
#    never runs; tests write status themselves (PATCH .../status where the CRD has the status
#    subresource, like KServe's; Argo's Workflow has none, so its status is written with the object).
#  * No admission webhooks and no conversion webhooks (a CRD with conversion strategy Webhook is
#    switched to None). What does work: CRUD, watch, server-side apply, per-group discovery, OpenAPI,
#    status/scale subresources and the CRDs' full structural-schema validation, pruning,
#    defaulting and CEL rules.
#  * No root discovery: /api and /apis answer 404 (per-group /apis/<group>[/<version>] and
#    /openapi/v3 work). kubectl, helm and other discovery-driven clients therefore fail; address
#    resources by path (e.g. @kubernetes/client-node's CustomObjectsApi) or with curl.
#  * Only a client certificate with O=system:masters is authorised (it is the one in the
#    kubeconfig); tokens and anonymous requests are refused.
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$(dirname "$0")/../lib/common.sh"
# shellcheck source=../lib/versions.sh
source "$(dirname "$0")/../lib/versions.sh"

# v0.37.2: newest stable tag on the Go proxy; needs Go >= 1.26 and matches the k8s.io/* v0.37
# libraries. The admission-plugin list below is the one of v0.36+ (v0.34/v0.35 lack
# MutatingAdmissionPolicy and would refuse it).
APIEXT_VERSION="v0.37.2"

DIR="$TOOLS/services/kube"
PKI="$DIR/pki"
ETCD_DATA="$DIR/etcd"
KUBECONFIG_FILE="$DIR/kubeconfig"
FAKE_KUBECONFIG="$DIR/unreachable.kubeconfig"
PORT="$LLM_OPS_KUBE_PORT"
ETCD_PORT="$LLM_OPS_ETCD_PORT"
ETCD_PEER_PORT=$((ETCD_PORT + 1))
URL="https://127.0.0.1:$PORT"
CRDS_DIR="${LLM_OPS_CRDS_DIR:-$ROOT/../shared/crds}"
CRD_GROUPS=(argo-workflows kserve)

GO_HOME="$TOOLS/go"
APISERVER_BIN="$GO_HOME/bin/apiextensions-apiserver"

# The CRDs are big: Argo's Workflow CRD is stored as 1.23 MB of JSON (its schema is atomic for
# server-side apply, so managedFields stay tiny), close to etcd's default 1.5 MiB request limit.
# The API server's etcd client sends at most 2 MiB, so etcd accepts a little more than that and
# the client's cap is the one that binds.
ETCD_MAX_REQUEST_BYTES=$((3 * 1024 * 1024))

kcurl() {
  curl -sS --max-time 120 -A llm-ops-scripts --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$@"
}

etcd_up() { curl -sS --max-time 2 "http://127.0.0.1:$ETCD_PORT/health" 2>/dev/null | grep -q '"health":"true"'; }
api_live() { [ -f "$PKI/admin.key" ] && kcurl --max-time 3 "$URL/livez" 2>/dev/null | grep -qx ok; }

# pid_alive FILE NAME: the pid in FILE runs and is the program NAME (guards against reused pids).
pid_alive() {
  local pid
  pid="$(cat "$1" 2>/dev/null)" || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q "$2" "/proc/$pid/comm" 2>/dev/null
}

check_crds_dir() {
  local g
  for g in "${CRD_GROUPS[@]}"; do
    compgen -G "$CRDS_DIR/$g/*.yaml" >/dev/null ||
      die "no CRD files in $CRDS_DIR/$g (expected the Argo Workflows and KServe CRDs there)" \
        "set LLM_OPS_CRDS_DIR to the folder that holds argo-workflows/ and kserve/ (the shared checkout's crds folder)"
  done
}

# --- build -------------------------------------------------------------------------------------
go_env() {
  env GOPATH="$GO_HOME" GOBIN="$GO_HOME/bin" GOCACHE="$GO_HOME/cache" GOMODCACHE="$GO_HOME/pkg/mod" \
    GOTOOLCHAIN=local CGO_ENABLED=0 "$@"
}

ensure_apiserver_bin() {
  if [ -x "$APISERVER_BIN" ] &&
    go_env go version -m "$APISERVER_BIN" 2>/dev/null | grep -Eq "^[[:space:]]+mod[[:space:]]+k8s.io/apiextensions-apiserver[[:space:]]+$APIEXT_VERSION([[:space:]]|$)"; then
    return 0
  fi
  need_cmd go "install Go 1.26 or newer (https://go.dev/doc/install) so that k8s.io/apiextensions-apiserver@$APIEXT_VERSION can be built"
  log "building k8s.io/apiextensions-apiserver@$APIEXT_VERSION into .tools/go/bin (once; a cold build takes several minutes on 2 cores)"
  local t0=$SECONDS
  run_step kube-apiserver-build \
    "check that the Go module proxy is reachable (go env GOPROXY) and that 'go version' is 1.26 or newer; the build cache is in $GO_HOME" \
    go_env go install "k8s.io/apiextensions-apiserver@$APIEXT_VERSION"
  log "built in $((SECONDS - t0)) s"
}

# --- certificates and kubeconfigs ---------------------------------------------------------------
cert_ok() { [ -f "$1" ] && openssl x509 -in "$1" -noout -checkend 86400 >/dev/null 2>&1; }

ensure_pki() {
  if cert_ok "$PKI/ca.crt" && cert_ok "$PKI/server.crt" && cert_ok "$PKI/admin.crt" && [ -f "$PKI/admin.key" ]; then
    return 0
  fi
  log "generating a test CA, a serving certificate for 127.0.0.1/localhost and an admin client certificate in $PKI"
  rm -rf "$PKI"; mkdir -p "$PKI"; chmod 700 "$PKI"
  (
    cd "$PKI"
    openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=llm-ops-test-ca" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -keyout ca.key -out ca.crt
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr
    printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" "keyUsage=critical,digitalSignature,keyEncipherment" \
      "extendedKeyUsage=serverAuth" >server.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 365 -extfile server.ext -out server.crt
    # O= becomes the user's group: system:masters is always allowed by the delegating authorizer.
    openssl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=llm-ops-admin" -keyout admin.key -out admin.csr
    printf '%s\n' "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=clientAuth" >admin.ext
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 365 -extfile admin.ext -out admin.crt
    rm -f ./*.csr ./*.ext ca.srl
  ) >"$LOGS/kube-pki.log" 2>&1 || { tail -n 20 "$LOGS/kube-pki.log" >&2; die "could not create the test certificates (log: $LOGS/kube-pki.log)" "check that openssl works, remove $PKI and try again"; }
  rm -f "$KUBECONFIG_FILE"
}

write_kubeconfigs() {
  local b64="base64 -w0"
  # The server reads these for its optional in-cluster helpers (core-API informers, token review,
  # SubjectAccessReview). They point at an address where nothing listens, which only costs log
  # noise; without them the server looks for an in-cluster config and refuses to start.
  cat >"$FAKE_KUBECONFIG" <<'EOF'
apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "http://127.0.0.1:1"}}]
users: [{name: none, user: {username: none, password: none}}]
contexts: [{name: none, context: {cluster: none, user: none}}]
current-context: none
EOF
  local tmp="$KUBECONFIG_FILE.tmp"
  cat >"$tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: llm-ops-test
  cluster:
    server: $URL
    certificate-authority-data: $($b64 "$PKI/ca.crt")
users:
- name: llm-ops-admin
  user:
    client-certificate-data: $($b64 "$PKI/admin.crt")
    client-key-data: $($b64 "$PKI/admin.key")
contexts:
- name: llm-ops-test
  context: {cluster: llm-ops-test, user: llm-ops-admin, namespace: default}
current-context: llm-ops-test
EOF
  chmod 600 "$tmp"
  mv "$tmp" "$KUBECONFIG_FILE"
}

# --- processes ---------------------------------------------------------------------------------
start_etcd() {
  if pid_alive "$DIR/etcd.pid" etcd && etcd_up; then return 0; fi
  command -v etcd >/dev/null 2>&1 || apt_install etcd-server
  require_free_port "$ETCD_PORT" "the test etcd (set LLM_OPS_ETCD_PORT to use another port)"
  require_free_port "$ETCD_PEER_PORT" "the test etcd's peer listener (LLM_OPS_ETCD_PORT+1; set LLM_OPS_ETCD_PORT to move both)"
  mkdir -p "$ETCD_DATA"; chmod 700 "$ETCD_DATA"
  log "starting etcd $(etcd --version 2>/dev/null | sed -n 's/^etcd Version: //p') on 127.0.0.1:$ETCD_PORT"
  setsid etcd --name llm-ops --data-dir "$ETCD_DATA" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "llm-ops=http://127.0.0.1:$ETCD_PEER_PORT" --initial-cluster-state new \
    --max-request-bytes "$ETCD_MAX_REQUEST_BYTES" --logger zap --log-level warn \
    </dev/null >"$DIR/etcd.log" 2>&1 &
  echo $! >"$DIR/etcd.pid"
  for _ in $(seq 1 100); do
    etcd_up && return 0
    pid_alive "$DIR/etcd.pid" etcd || break
    sleep 0.2
  done
  tail -n 15 "$DIR/etcd.log" >&2 || true
  die "etcd did not become healthy on 127.0.0.1:$ETCD_PORT (log: $DIR/etcd.log)" \
    "read the log; with the server stopped, remove $ETCD_DATA to start from an empty store"
}

start_apiserver() {
  if ! pid_alive "$DIR/apiserver.pid" apiextensions; then
    require_free_port "$PORT" "the test Kubernetes API server (set LLM_OPS_KUBE_PORT to use another port)"
    log "starting apiextensions-apiserver $APIEXT_VERSION on $URL"
    mkdir -p "$DIR/apiserver-certs"
    # The big CRD schemas make the Go heap grow to ~850 MB RSS with default GC settings; a soft
    # memory limit keeps it near 400-500 MB at no visible cost in speed (set GOMEMLIMIT to override).
    GOMEMLIMIT="${GOMEMLIMIT:-512MiB}" setsid "$APISERVER_BIN" \
      --etcd-servers "http://127.0.0.1:$ETCD_PORT" --etcd-prefix /llm-ops-registry \
      --bind-address 127.0.0.1 --secure-port "$PORT" --cert-dir "$DIR/apiserver-certs" \
      --tls-cert-file "$PKI/server.crt" --tls-private-key-file "$PKI/server.key" --client-ca-file "$PKI/ca.crt" \
      --authentication-skip-lookup --authentication-kubeconfig "$FAKE_KUBECONFIG" \
      --authorization-kubeconfig "$FAKE_KUBECONFIG" --kubeconfig "$FAKE_KUBECONFIG" \
      --enable-priority-and-fairness=false \
      --disable-admission-plugins NamespaceLifecycle,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ValidatingAdmissionPolicy,MutatingAdmissionPolicy \
      </dev/null >"$DIR/apiserver.log" 2>&1 &
    echo $! >"$DIR/apiserver.pid"
  fi
  wait_ready
}

# wait_ready: /readyz with the admin certificate. Its informer-sync check never passes here
# (the core-API informers point at the unreachable kubeconfig), so that one check is excluded.
wait_ready() {
  local out=""
  for _ in $(seq 1 300); do
    out="$(kcurl --max-time 3 "$URL/readyz?exclude=informer-sync" 2>/dev/null)" && [ "$out" = ok ] && return 0
    pid_alive "$DIR/apiserver.pid" apiextensions || break
    sleep 0.2
  done
  tail -n 20 "$DIR/apiserver.log" >&2 || true
  [ -n "$out" ] && printf '%s\n' "$out" | grep -v '^\[+\]' | tail -n 10 >&2
  die "the API server did not become ready on $URL (log: $DIR/apiserver.log)" \
    "read the log; check that etcd answers (curl http://127.0.0.1:$ETCD_PORT/health) and that port $PORT is free"
}

# --- CRDs --------------------------------------------------------------------------------------
# split_docs FILE OUTDIR: one file per YAML document that is a CustomResourceDefinition; prints
# "<path> <metadata.name>" per document.
split_docs() {
  awk -v out="$2" '
    function flush() {
      if (f != "") { close(f); if (iscrd && name != "") print f, name }
      f = ""; iscrd = 0; name = ""; inmeta = 0; ind = ""
    }
    /^---/ { flush(); next }
    f == "" { f = out "/doc" (++k) ".yaml" }
    { print > f }
    /^kind:[ \t]*CustomResourceDefinition[ \t]*$/ { iscrd = 1 }
    /^metadata:[ \t]*$/ { inmeta = 1; next }
    inmeta && /^[^ \t#]/ { inmeta = 0 }
    inmeta && ind == "" && match($0, /^[ ]+[^ ]/) { ind = substr($0, 1, RLENGTH - 1) }
    inmeta && name == "" && index($0, ind "name:") == 1 {
      v = substr($0, length(ind) + 6); gsub(/^[ \t"'\'']+|[ \t"'\'']+$/, "", v); name = v
    }
    END { flush() }
  ' "$1"
}

# crd_state FILE: "<uid> <generation> <Established status>" of the CRD in the JSON FILE.
crd_state() {
  jq -r '"\(.metadata.uid) \(.metadata.generation) \([.status.conditions[]? | select(.type == "Established") | .status][0] // "Unknown")"' "$1"
}

# apply_crds: server-side apply of every CRD document in the CRD folders, then wait until each is
# Established. Applying one of the big CRDs costs the server 1-2 s of CPU even when nothing
# changed, so .tools/services/kube/crds.applied remembers "<name> <sha256 of the document> <uid>
# <generation>" of each apply, and a CRD whose stored uid and generation still match an apply of
# the same document is only checked, not applied again.
apply_crds() {
  need_cmd jq "install jq (apt-get install jq)"
  local work stamp="$DIR/crds.applied" records=() pending=() f name file g code sha uid gen est msg hint
  local crd_url="$URL/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
  work="$(mktemp -d)"
  # shellcheck disable=SC2064
  trap "rm -rf '$work'" RETURN
  touch "$stamp"
  for g in "${CRD_GROUPS[@]}"; do
    for file in "$CRDS_DIR/$g"/*.yaml; do
      while read -r f name; do
        sha="$(sha256sum <"$f" | cut -c1-64)"
        code="$(kcurl -o "$work/resp.json" -w '%{http_code}' "$crd_url/$name")" || code=000
        est=""
        if [ "$code" = 200 ]; then
          read -r uid gen est < <(crd_state "$work/resp.json") || true
          grep -qxF "$name $sha $uid $gen" "$stamp" || est=""
        fi
        if [ -z "$est" ]; then
          code="$(kcurl -o "$work/resp.json" -w '%{http_code}' -X PATCH \
            -H 'Content-Type: application/apply-patch+yaml' --data-binary "@$f" \
            "$crd_url/$name?fieldManager=llm-ops-scripts&force=true")" || code=000
          if [ "$code" != 200 ] && [ "$code" != 201 ]; then
            msg="$(jq -r '.message // empty' "$work/resp.json" 2>/dev/null | head -c 600)"
            [ -n "$msg" ] || msg="$(head -c 600 "$work/resp.json" 2>/dev/null)"
            hint="read $DIR/apiserver.log"
            case "$msg" in
              *"too large"* | *"larger than max"* | *"ResourceExhausted"*)
                hint="the CRD is above etcd's request limit (etcd runs with --max-request-bytes $ETCD_MAX_REQUEST_BYTES; the API server's etcd client sends at most 2 MiB): use a CRD with its descriptions stripped" ;;
            esac
            die "applying the CRD $name from $file failed with HTTP $code: ${msg:-no response}" "$hint"
          fi
          # Conversion webhooks cannot be called here: serve every version as stored.
          if [ "$(jq -r '.spec.conversion.strategy // "None"' "$work/resp.json")" = Webhook ]; then
            log "the CRD $name asks for a conversion webhook; switching it to strategy None"
            code="$(kcurl -o "$work/resp.json" -w '%{http_code}' -X PATCH -H 'Content-Type: application/merge-patch+json' \
              --data '{"spec":{"conversion":{"strategy":"None","webhook":null}}}' \
              "$crd_url/$name?fieldManager=llm-ops-scripts-conversion")" || code=000
            [ "$code" = 200 ] || die "could not switch the conversion strategy of the CRD $name to None (HTTP $code)" "read $DIR/apiserver.log"
          fi
          read -r uid gen est < <(crd_state "$work/resp.json") || true
        fi
        records+=("$name $sha $uid $gen")
        [ "$est" = True ] || pending+=("$name")
      done < <(split_docs "$file" "$work")
    done
  done
  [ ${#records[@]} -gt 0 ] || die "no CustomResourceDefinition found in $CRDS_DIR/{argo-workflows,kserve}/*.yaml" \
    "set LLM_OPS_CRDS_DIR to the folder that holds argo-workflows/ and kserve/ with the upstream CRD files"
  printf '%s\n' "${records[@]}" >"$stamp"

  # Established=True: the API server serves the resource.
  local left
  for _ in $(seq 1 150); do
    left=()
    for name in "${pending[@]}"; do
      est="$(kcurl "$crd_url/$name" 2>/dev/null | jq -r '[.status.conditions[]? | select(.type == "Established") | .status][0] // "Unknown"' 2>/dev/null)" || est=Unknown
      [ "$est" = True ] || left+=("$name")
    done
    if [ ${#left[@]} -eq 0 ]; then log "${#records[@]} CRDs established"; return 0; fi
    pending=("${left[@]}")
    sleep 0.2
  done
  msg="$(kcurl "$crd_url/${pending[0]}" 2>/dev/null | jq -c '[.status.conditions[]? | {type, status, message}]' 2>/dev/null)"
  die "these CRDs did not become Established: ${pending[*]} (conditions of ${pending[0]}: ${msg:-none})" \
    "read $DIR/apiserver.log; a NamesAccepted=False condition means two CRDs claim the same names"
}

# --- commands ----------------------------------------------------------------------------------
start() {
  need_cmd curl "install curl (apt-get install curl)"
  need_cmd openssl "install openssl (apt-get install openssl)"
  command -v jq >/dev/null 2>&1 || apt_install jq
  check_crds_dir
  mkdir -p "$DIR"
  if api_live; then
    log "reusing the API server already running at $URL"
  else
    ensure_apiserver_bin
    command -v etcd >/dev/null 2>&1 || apt_install etcd-server
    # All ports are checked before anything starts, so a taken port leaves nothing half-started.
    if [ "$PORT" = "$ETCD_PORT" ] || [ "$PORT" = "$ETCD_PEER_PORT" ]; then
      die "LLM_OPS_KUBE_PORT ($PORT) collides with etcd's ports ($ETCD_PORT and $ETCD_PEER_PORT)" \
        "choose LLM_OPS_KUBE_PORT and LLM_OPS_ETCD_PORT so that the three ports differ"
    fi
    if ! { pid_alive "$DIR/etcd.pid" etcd && etcd_up; }; then
      require_free_port "$ETCD_PORT" "the test etcd (set LLM_OPS_ETCD_PORT to use another port)"
      require_free_port "$ETCD_PEER_PORT" "the test etcd's peer listener (LLM_OPS_ETCD_PORT+1; set LLM_OPS_ETCD_PORT to move both)"
    fi
    pid_alive "$DIR/apiserver.pid" apiextensions ||
      require_free_port "$PORT" "the test Kubernetes API server (set LLM_OPS_KUBE_PORT to use another port)"
    ensure_pki
    write_kubeconfigs
    start_etcd
    start_apiserver
  fi
  [ -f "$KUBECONFIG_FILE" ] || write_kubeconfigs
  apply_crds
}

# stop_pid FILE NAME: TERM, then KILL after 15 s, the process in FILE if it is NAME.
stop_pid() {
  local pid
  if pid_alive "$1" "$2"; then
    pid="$(cat "$1")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 75); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$1"
}

stop() {
  stop_pid "$DIR/apiserver.pid" apiextensions
  stop_pid "$DIR/etcd.pid" etcd
}

case "${1:-start}" in
  start) start; echo "$KUBECONFIG_FILE" ;;
  stop) stop ;;
  status) if api_live; then echo "up at $URL"; else echo down; exit 1; fi ;;
  kubeconfig) echo "$KUBECONFIG_FILE" ;;
  *) die "unknown command '$1'" "use start, stop, status or kubeconfig" ;;
esac
