#!/usr/bin/env bash
# Catalog scale benchmark of the LLM Ops entity provider (not a test):
#   1. seeds a fresh llm-ops database on the project's PostgreSQL with 10,000 experiments,
#      2,000 models, 1,000 datasets, 100 endpoints and 500 pipelines (bulk SQL, with lineage),
#   2. starts the real portal backend (packages/backend: the catalog with this module and the
#      llm-ops plugin) on 127.0.0.1:$BENCH_PORT, every plugin database fresh on PostgreSQL,
#   3. prints the time until the catalog holds all of them processed and stitched, and the
#      delay until a change to one asset is visible in the catalog API,
#   4. stops the backend; PostgreSQL keeps running.
# Knobs: BENCH_PORT (7217), BENCH_DB (llm_ops_catalog_bench), BENCH_EXPERIMENTS, BENCH_MODELS,
#        BENCH_DATASETS, BENCH_ENDPOINTS, BENCH_PIPELINES, BENCH_CHANGES (5), BENCH_TIMEOUT_MS,
#        BENCH_PROCESSING_INTERVAL (catalog.processingInterval, '{ minutes: 30 }'; '{ seconds: 100 }'
#        approximates the catalog's default of 100-150 s), BENCH_CPU_PROFILE=1.
# Run from the repository root: bash plugins/catalog-backend-module-llm-ops/bench/run.sh
HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/../../../scripts/lib/common.sh"
source "$ROOT/scripts/lib/backend.sh"

PORT="${BENCH_PORT:-7217}"
BENCH_DB="${BENCH_DB:-llm_ops_catalog_bench}"
DIR="$TOOLS/bench-catalog"
mkdir -p "$DIR"

ensure_node
PG_URL="$("$ROOT/scripts/services/postgres.sh" start)"
PG_HOST="$(node -p 'new URL(process.argv[1]).hostname' "$PG_URL")"
PG_PORT="$(node -p 'new URL(process.argv[1]).port' "$PG_URL")"

log "1/3 seeding $BENCH_DB"
node "$HERE/seed.mjs" "$PG_URL" "$BENCH_DB" | tee "$DIR/seed.json"
# Every other plugin's database (catalog, search, scaffolder, ...) starts empty too.
for db in $(psql "$PG_URL" -Atc "select datname from pg_database where datname like '${BENCH_DB}\\_%'" 2>/dev/null || true); do
  psql "$PG_URL" -qc "drop database if exists \"$db\" with (force)" >/dev/null
done

TOKEN="bench-$(node -e 'process.stdout.write(require("crypto").randomBytes(12).toString("hex"))')"
cat >"$DIR/app-config.bench.yaml" <<YAML
backend:
  baseUrl: http://127.0.0.1:$PORT
  listen:
    port: $PORT
    host: 127.0.0.1
  database:
    client: pg
    connection:
      host: $PG_HOST
      port: $PG_PORT
      user: postgres
    prefix: ${BENCH_DB}_
    plugin:
      llm-ops:
        connection:
          database: $BENCH_DB
  auth:
    externalAccess:
      - type: static
        options:
          token: $TOKEN
          subject: bench
catalog:
  locations: []
  # As in app-config.production.yaml: the provider re-emits its entities itself (full sync and
  # deltas), so the catalog need not re-process all of them every 100-150 s (the default).
  processingInterval: ${BENCH_PROCESSING_INTERVAL:-{ minutes: 30 \}}
  providers:
    llmOps:
      schedule:
        frequency: { minutes: 30 }
        timeout: { minutes: 10 }
        initialDelay: { seconds: 1 }
      deltaFrequency: { seconds: 5 }
YAML

profile_flags_if_asked "$DIR"
log "2/3 starting the backend on 127.0.0.1:$PORT (log: $LOGS/bench-catalog-backend.log)"
STARTED_AT="$(node -p 'Date.now()')"
BACKEND_TOKEN="$TOKEN" start_portal_backend "$LOGS/bench-catalog-backend.log" "$DIR/app-config.bench.yaml"
cleanup() { stop_portal_backend; }
trap cleanup EXIT
wait_portal_backend "$PORT" "$LOGS/bench-catalog-backend.log" 120
READY_AT="$(node -p 'Date.now()')"
log "backend ready after $(( (READY_AT - STARTED_AT) / 1000 )) s"

log "3/3 measuring"
node "$HERE/measure.mjs" "http://127.0.0.1:$PORT" "$TOKEN" "$READY_AT" | tee "$DIR/result.json"
grep -E "llm-ops-provider (emitted|delta)" "$LOGS/bench-catalog-backend.log" | head -5 >&2 || true
