#!/usr/bin/env bash
# `make bench`: load benchmark of /llm-ops/v1 at the scale of a large MLflow installation.
#   1. seeds the database llm_ops_bench on the project's PostgreSQL (skipped when it already holds
#      the data set on the current schema; BENCH_RESEED=1 forces it),
#   2. starts the real portal backend (BENCH_REPLICAS of them, default 1) on 127.0.0.1:$BENCH_PORT with the llm-ops plugin on that
#      database and a static token,
#   3. runs each scenario with 20 concurrent clients (loopback only) and prints the table,
#   4. EXPLAINs the hot queries on the bench database and writes docs/benchmarks.md,
#   5. stops the backend; PostgreSQL keeps running,
#   6. side by side with MLflow (scripts/bench/side-by-side.sh): the same data set in a real MLflow server on
#      the same PostgreSQL, the same queries against both; writes the section "llm-ops vs MLflow".
# Knobs: BENCH_PORT (7207), BENCH_CONCURRENCY (20), BENCH_DURATION (20), BENCH_WARMUP (3),
#        BENCH_SERIAL_DURATION (5), BENCH_SCENARIOS (a1,a2,a3,b1,b2,c1,c2,d), BENCH_RESEED=1,
#        BENCH_NODE_ENV (production), BENCH_NO_DOC=1 (do not rewrite docs/benchmarks.md),
#        BENCH_MLFLOW (1; 0 skips step 6; its own knobs are listed in scripts/bench/side-by-side.sh),
#        BENCH_REPLICAS (1; N backends on BENCH_PORT, +10, ..., requests sent to them in turn),
#        BENCH_CPU_PROFILE=1 (the backend writes a V8 CPU profile to .tools/bench/profiles when it stops;
#        summarise it with scripts/bench/profile-summary.mjs).
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/backend.sh"

PORT="${BENCH_PORT:-7207}"
DIR="$TOOLS/bench"
BENCH_DB="${BENCH_DB:-llm_ops_bench}"
export BENCH_DB
mkdir -p "$DIR"
started=$SECONDS

ensure_node
# The same lock as the team's `yarn add`: never two installs into node_modules at once.
( flock 9; ensure_deps ) 9>/tmp/llm-ops-yarn.lock || die "installing the dependencies failed" "read $LOGS/yarn-install.log"
PG_URL="$("$ROOT/scripts/services/postgres.sh" start)"
export BENCH_PG_URL="$PG_URL"
PG_HOST="$(node -p 'new URL(process.argv[1]).hostname' "$PG_URL")"
PG_PORT="$(node -p 'new URL(process.argv[1]).port' "$PG_URL")"

log "1/4 seeding $BENCH_DB"
node "$ROOT/scripts/bench/seed.mjs" "$DIR/seed.json" || die "seeding failed" "read the error above; BENCH_RESEED=1 starts from scratch"

# BENCH_REPLICAS backends (default 1) on PORT, PORT+10, ..., on the same databases, as replicas
# behind a load balancer would run; the load generator sends each request to the next one (round
# robin). On a machine with more cores than this one, 2 or more show what a second event loop buys;
# here (2 cores, PostgreSQL and the load generator on them too) 2 replicas kept the machine 97 to
# 99 % busy with no more throughput and a longer tail (docs/benchmarks.md, Findings).
REPLICAS="${BENCH_REPLICAS:-1}"
PORTS=()
for i in $(seq 0 $((REPLICAS - 1))); do PORTS+=($((PORT + 10 * i))); done
for port in "${PORTS[@]}"; do
  require_free_port "$port" "a backend under benchmark (set BENCH_PORT to use other ports)"
done
TOKEN="bench-$(node -e 'process.stdout.write(require("crypto").randomBytes(12).toString("hex"))')"

BENCH_NODE_ENV="${BENCH_NODE_ENV:-production}"
export BENCH_NODE_ENV
profile_flags_if_asked "$DIR"
BACKEND_PIDS=()
cleanup() {
  for BACKEND_PID in "${BACKEND_PIDS[@]}"; do stop_portal_backend; done
  # Runs created by the write scenario are removed, so every benchmark reads the same data.
  psql_bench "delete from runs where name like 'bench-write-%'" >/dev/null 2>&1 || true
}
psql_bench() { node -e '
  const pg = require(require.resolve("pg", { paths: [process.argv[2]] }));
  const c = new pg.Client({ connectionString: process.argv[3] });
  c.connect().then(() => c.query(process.argv[1])).then(r => console.log(r.rowCount)).finally(() => c.end());
' "$1" "$ROOT/plugins/llm-ops-backend" "${PG_URL}/${BENCH_DB}"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

BASE_URLS=()
for i in "${!PORTS[@]}"; do
  port="${PORTS[$i]}"
  # One after the other: the first runs the migrations, the next finds them done.
  log "2/4 starting backend $((i + 1))/$REPLICAS on 127.0.0.1:$port (log: $LOGS/bench-backend-$i.log)"
  write_bench_backend_config "$DIR/app-config.bench-$i.yaml" "$port" "$PG_HOST" "$PG_PORT" "$BENCH_DB" "$TOKEN"
  BACKEND_NODE_ENV="$BENCH_NODE_ENV" BACKEND_TOKEN="$TOKEN" start_portal_backend "$LOGS/bench-backend-$i.log" "$DIR/app-config.bench-$i.yaml"
  BACKEND_PIDS+=("$BACKEND_PID")
  wait_portal_backend "$port" "$LOGS/bench-backend-$i.log"
  curl -fsS "http://127.0.0.1:$port/api/llm-ops/v1/health" >"$DIR/health.json" ||
    die "the llm-ops plugin did not answer" "read $LOGS/bench-backend-$i.log"
  grep -q '"pg"' "$DIR/health.json" || log "warning: the health answer does not name pg: $(cat "$DIR/health.json")"
  BASE_URLS+=("http://127.0.0.1:$port")
done
log "$REPLICAS backend(s) ready after $((SECONDS - started)) s in total"

log "3/4 load: ${BENCH_CONCURRENCY:-20} clients per scenario"
psql_bench "delete from runs where name like 'bench-write-%'" >/dev/null
load_status=0
BENCH_TOKEN="$TOKEN" BENCH_BACKEND_PID="$(IFS=,; echo "${BACKEND_PIDS[*]}")" node "$ROOT/scripts/bench/load.mjs" \
  "$(IFS=,; echo "${BASE_URLS[*]}")" "$DIR/load.json" || load_status=$?
cleanup
trap - EXIT

log "4/4 EXPLAIN (ANALYZE, BUFFERS) of the hot queries"
node --require "$(portal_transform)" "$ROOT/scripts/bench/explain.cjs" "$DIR/explain.json" >"$DIR/explain.txt" ||
  die "EXPLAIN failed" "read $DIR/explain.txt"
if [ "${BENCH_NO_DOC:-0}" != 1 ]; then
  # report.mjs rewrites the page and keeps only its Findings; the section "llm-ops vs MLflow" is kept too.
  node "$ROOT/scripts/bench/mlflow/doc.mjs" save "$ROOT/docs/benchmarks.md" "$DIR/mlflow-section.md"
  node "$ROOT/scripts/bench/report.mjs" "$DIR" "$ROOT/docs/benchmarks.md"
  node "$ROOT/scripts/bench/mlflow/doc.mjs" restore "$ROOT/docs/benchmarks.md" "$DIR/mlflow-section.md"
fi
side_status=0
if [ "${BENCH_MLFLOW:-1}" = 1 ]; then
  log "side by side with MLflow (BENCH_MLFLOW=0 skips it)"
  bash "$ROOT/scripts/bench/side-by-side.sh" || side_status=$?
fi
log "benchmark done in $((SECONDS - started)) s; details in $DIR, plans in $DIR/explain.txt"
[ "$load_status" -ne 0 ] && exit "$load_status"
exit "$side_status"
