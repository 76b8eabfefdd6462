#!/usr/bin/env bash
# The side-by-side benchmark, llm-ops vs MLflow: the last step of `make bench` (BENCH_MLFLOW=1, the default;
# BENCH_MLFLOW=0 skips it), or on its own: `bash scripts/bench/side-by-side.sh`.
#   1. makes sure llm_ops_bench holds the data set (seed.mjs; a no-op when `make bench` has just seeded it),
#   2. builds .tools/venv-mlflow-bench once (the pinned MLflow + psycopg2-binary; the tests' venv is untouched),
#   3. loads the same data set into MLflow's own tables in the database mlflow_bench on the same PostgreSQL
#      (scripts/bench/mlflow/load.py; skipped when it already holds the current seed), and starts a second
#      MLflow server on it (scripts/bench/mlflow/server.sh, port $BENCH_MLFLOW_PORT, default 7208),
#   4. starts the portal backend on $BENCH_PORT as `make bench` does, checks that both systems give the same
#      answers, then runs every query against both, 20 concurrent clients each (scripts/bench/mlflow/compare.mjs),
#   5. stops the backend and the MLflow server, and writes the section "llm-ops vs MLflow" of docs/benchmarks.md.
# Knobs: BENCH_MLFLOW_DURATION (BENCH_DURATION, 20 s), BENCH_WARMUP (3), BENCH_CONCURRENCY (20),
#        BENCH_MLFLOW_QUERIES (q1a,q1b,q2a,q2b,q3,q3d), BENCH_MLFLOW_WORKERS (1), BENCH_MLFLOW_PORT (7208),
#        BENCH_MLFLOW_DB (mlflow_bench), BENCH_MLFLOW_RELOAD=1, BENCH_PORT (7207), BENCH_NO_DOC=1.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/backend.sh"

PORT="${BENCH_PORT:-7207}"
DIR="$TOOLS/bench/mlflow"
BENCH_DB="${BENCH_DB:-llm_ops_bench}"
export BENCH_DB
export BENCH_MLFLOW_DB="${BENCH_MLFLOW_DB:-mlflow_bench}"
MLFLOW_SERVER="$ROOT/scripts/bench/mlflow/server.sh"
mkdir -p "$DIR"
started=$SECONDS

# One side-by-side run at a time on this machine: a second one would reload the MLflow database under the
# first one's server. Fd 8 is closed for the servers started below, so they do not hold the lock.
exec 8>"$DIR/side-by-side.lock"
if ! flock -n 8; then
  log "another side-by-side run is in progress; waiting for it (up to 30 minutes)"
  flock -w 1800 8 || die "another side-by-side run held $DIR/side-by-side.lock for 30 minutes" "wait for it to end, or stop it"
fi

ensure_node
( flock 9; ensure_deps ) 9>/tmp/llm-ops-yarn.lock || die "installing the dependencies failed" "read $LOGS/yarn-install.log"
PG_URL="$("$ROOT/scripts/services/postgres.sh" start)"
export BENCH_PG_URL="$PG_URL"
PG_HOST="$(node -p 'new URL(process.argv[1]).hostname' "$PG_URL")"
PG_PORT="$(node -p 'new URL(process.argv[1]).port' "$PG_URL")"

log "side by side 1/5: the llm-ops data set in $BENCH_DB"
node "$ROOT/scripts/bench/seed.mjs" "$DIR/seed.json" || die "seeding failed" "read the error above"

log "side by side 2/5: MLflow's venv"
VENV="$(bash "$MLFLOW_SERVER" venv)"

log "side by side 3/5: the same data set in MLflow's tables ($BENCH_MLFLOW_DB)"
load_started=$SECONDS
bash "$MLFLOW_SERVER" stop # the load may re-create the database; a running server would lose it
MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true "$VENV/bin/python" -W ignore \
  "$ROOT/scripts/bench/mlflow/load.py" "$DIR/load.json" ||
  die "loading MLflow's database failed" "read the error above; BENCH_MLFLOW_RELOAD=1 loads from scratch"
MLFLOW_URL="$(bash "$MLFLOW_SERVER" start 8>&-)"
MLFLOW_PID="$(cat "$DIR/mlflow.pid")"
log "MLflow ready on $MLFLOW_URL after $((SECONDS - load_started)) s (load included)"

require_free_port "$PORT" "the backend under benchmark (set BENCH_PORT to use another port)"
TOKEN="bench-$(node -e 'process.stdout.write(require("crypto").randomBytes(12).toString("hex"))')"
write_bench_backend_config "$DIR/app-config.bench.yaml" "$PORT" "$PG_HOST" "$PG_PORT" "$BENCH_DB" "$TOKEN"
BENCH_NODE_ENV="${BENCH_NODE_ENV:-production}"
log "side by side 4/5: starting the backend on 127.0.0.1:$PORT (log: $LOGS/bench-side-by-side-backend.log)"
BACKEND_NODE_ENV="$BENCH_NODE_ENV" BACKEND_TOKEN="$TOKEN" start_portal_backend "$LOGS/bench-side-by-side-backend.log" "$DIR/app-config.bench.yaml"
cleanup() {
  stop_portal_backend
  bash "$MLFLOW_SERVER" stop
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_portal_backend "$PORT" "$LOGS/bench-side-by-side-backend.log"
curl -fsS "http://127.0.0.1:$PORT/api/llm-ops/v1/health" >/dev/null ||
  die "the llm-ops plugin did not answer" "read $LOGS/bench-side-by-side-backend.log"

status=0
BENCH_TOKEN="$TOKEN" BENCH_BACKEND_PID="$BACKEND_PID" BENCH_MLFLOW_PID="$MLFLOW_PID" \
  node "$ROOT/scripts/bench/mlflow/compare.mjs" "http://127.0.0.1:$PORT" "$MLFLOW_URL" "$DIR/compare.json" || status=$?
cleanup
trap - EXIT

log "side by side 5/5: the MLflow server and the backend are stopped"
"$VENV/bin/python" -c 'import mlflow, sys; sys.stdout.write(mlflow.__version__)' >"$DIR/mlflow-version.txt" 2>/dev/null || true
if [ "${BENCH_NO_DOC:-0}" != 1 ] && [ -f "$DIR/compare.json" ]; then
  node "$ROOT/scripts/bench/mlflow/doc.mjs" write "$ROOT/docs/benchmarks.md" "$DIR"
fi
log "side by side done in $((SECONDS - started)) s; results in $DIR/compare.json"
exit "$status"
