#!/usr/bin/env bash
# `make start`: the portal on the embedded default (SQLite, guest sign-in, demo data).
# Frontend on http://localhost:3000, backend on http://localhost:7007.
source "$(dirname "$0")/lib/common.sh"

ensure_node
ensure_deps

require_free_port 3000 "the portal's frontend"
require_free_port 7007 "the portal's backend"

mkdir -p "$TOOLS/data/sqlite"
# The demo DVC repository the embedded default reads (app-config.yaml, llmOps.dvc); made once.
node "$ROOT/scripts/demo/dvc-repo.mjs" "$TOOLS/data/demo-dvc-repo" >/dev/null

# The static token that scripts use to call /llm-ops/v1 (see the README). Kept between runs.
if [ -z "${LLM_OPS_API_TOKEN:-}" ]; then
  if [ ! -s "$TOOLS/api-token" ]; then
    node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("base64url"))' >"$TOOLS/api-token"
    chmod 600 "$TOOLS/api-token"
  fi
  LLM_OPS_API_TOKEN="$(cat "$TOOLS/api-token")"
  export LLM_OPS_API_TOKEN
fi

log "starting the portal: http://localhost:3000 (backend http://localhost:7007); Ctrl-C stops it"
log "scripts: export LLM_OPS_API_TOKEN=\$(cat .tools/api-token); curl -H \"Authorization: Bearer \$LLM_OPS_API_TOKEN\" http://localhost:7007/api/llm-ops/v1/health"
cd "$ROOT"
exec yarn start
