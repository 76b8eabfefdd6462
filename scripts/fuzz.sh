#!/usr/bin/env bash
# Fuzzes /llm-ops/v1 with schemathesis against the served OpenAPI spec: the real portal backend
# (real auth, in-memory SQLite) on a loopback port of its own. Fails on any 5xx, any response
# that violates the spec, and any status code or content type the spec does not document.
# Called by scripts/test.sh after the dependencies are installed.
source "$(dirname "$0")/lib/common.sh"

PORT="${LLM_OPS_FUZZ_PORT:-7107}"
EXAMPLES="${LLM_OPS_FUZZ_EXAMPLES:-20}"
DIR="$TOOLS/fuzz"
VENV="$TOOLS/venv-fuzz"
REQ="$ROOT/scripts/fuzz-requirements.txt"
mkdir -p "$DIR"
# The demo DVC repository app-config.yaml points at (made once, as `make start` does).
node "$ROOT/scripts/demo/dvc-repo.mjs" "$TOOLS/data/demo-dvc-repo" >/dev/null

ensure_node
if [ ! -x "$VENV/bin/schemathesis" ] || ! cmp -s "$REQ" "$VENV/.requirements"; then
  need_cmd python3 "install Python 3 (apt-get install python3 python3-venv)"
  log "installing schemathesis into .tools/venv-fuzz"
  run_step fuzz-venv "apt-get install python3-venv, and check that PyPI is reachable" python3 -m venv "$VENV"
  run_step fuzz-pip "check that PyPI is reachable (pip config list)" "$VENV/bin/pip" install -q -r "$REQ"
  cp "$REQ" "$VENV/.requirements"
fi

require_free_port "$PORT" "the backend under fuzzing (set LLM_OPS_FUZZ_PORT to use another port)"
TOKEN="fuzz-$(node -e 'process.stdout.write(require("crypto").randomBytes(12).toString("hex"))')"
cat >"$DIR/app-config.fuzz.yaml" <<YAML
backend:
  baseUrl: http://127.0.0.1:$PORT
  listen:
    port: $PORT
    host: 127.0.0.1
  database:
    client: better-sqlite3
    connection: ':memory:'
  auth:
    externalAccess:
      - type: static
        options:
          token: $TOKEN
          subject: fuzzer
catalog:
  locations: []
YAML

log "starting the backend for fuzzing on 127.0.0.1:$PORT"
(cd "$ROOT/packages/backend" && LLM_OPS_API_TOKEN="$TOKEN" exec yarn backstage-cli package start \
  --config ../../app-config.yaml --config "$DIR/app-config.fuzz.yaml") >"$LOGS/fuzz-backend.log" 2>&1 &
BACKEND_PID=$!
cleanup() { kill -- -"$BACKEND_PID" 2>/dev/null || kill "$BACKEND_PID" 2>/dev/null || true; pkill -f "app-config.fuzz.yaml" 2>/dev/null || true; }
trap cleanup EXIT

for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$PORT/.backstage/health/v1/readiness" >/dev/null 2>&1 && break
  kill -0 "$BACKEND_PID" 2>/dev/null || { tail -30 "$LOGS/fuzz-backend.log" >&2; die "the backend stopped while starting" "read $LOGS/fuzz-backend.log"; }
  sleep 1
done
curl -fsS "http://127.0.0.1:$PORT/api/llm-ops/v1/health" >/dev/null || die "the llm-ops plugin did not answer" "read $LOGS/fuzz-backend.log"

log "fuzzing with schemathesis ($EXAMPLES examples per operation)"
"$VENV/bin/schemathesis" run "http://127.0.0.1:$PORT/api/llm-ops/v1/openapi.json" \
  --url "http://127.0.0.1:$PORT/api/llm-ops" \
  -H "Authorization: Bearer $TOKEN" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --phases examples,coverage,fuzzing \
  --max-examples "$EXAMPLES" \
  --generation-deterministic \
  --request-timeout 30 \
  --suppress-health-check all \
  --no-color
