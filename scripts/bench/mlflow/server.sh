#!/usr/bin/env bash
# The MLflow tracking server of the side-by-side benchmark: MLflow's own server with its SQL store on the
# project's PostgreSQL (database $BENCH_MLFLOW_DB, default mlflow_bench), on loopback.
# Usage: scripts/bench/mlflow/server.sh venv|start|stop|status|url
# `start` prints the server URL as its only line on stdout. It is a second instance next to the tests' server
# (scripts/services/mlflow.sh, SQLite, port 55000), with its own venv (.tools/venv-mlflow-bench: the pinned
# MLflow + psycopg2-binary), folder (.tools/bench/mlflow) and port, so the tests' server and venv are untouched.
# Knobs: BENCH_MLFLOW_PORT (7208), BENCH_MLFLOW_DB (mlflow_bench), BENCH_MLFLOW_WORKERS (1),
#        BENCH_PG_URL (the project's PostgreSQL, default postgresql://postgres@127.0.0.1:55432).
source "$(dirname "$0")/../../lib/common.sh"
source "$(dirname "$0")/../../lib/venv.sh"
source "$(dirname "$0")/../../lib/daemon.sh"

DIR="$TOOLS/bench/mlflow"
VENV="$TOOLS/venv-mlflow-bench"
REQUIREMENTS="$ROOT/scripts/bench/mlflow/requirements.txt"
PIDFILE="$DIR/mlflow.pid"
LOGFILE="$DIR/server.log"
PORT="${BENCH_MLFLOW_PORT:-7208}"
URL="http://127.0.0.1:$PORT"
PG_URL="${BENCH_PG_URL:-postgresql://postgres@127.0.0.1:55432}"
DB="${BENCH_MLFLOW_DB:-mlflow_bench}"
WORKERS="${BENCH_MLFLOW_WORKERS:-1}"

export MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true
# As in scripts/services/mlflow.sh: no GenAI job runner (huey consumers), which the REST 2.0 API does not use.
export MLFLOW_SERVER_ENABLE_JOB_EXECUTION="${MLFLOW_SERVER_ENABLE_JOB_EXECUTION:-false}"

is_up() { [ "$(curl -fsS --max-time 2 "$URL/health" 2>/dev/null)" = "OK" ]; }

# Rebuilt when either requirements file changes: $REQUIREMENTS includes the tests' with -r.
ensure_venv() {
  ensure_venv_from mlflow-bench "$VENV" mlflow \
    "installing MLflow + psycopg2-binary into $VENV (a cold install takes a few minutes)" \
    "$REQUIREMENTS" "$ROOT/scripts/services/mlflow-requirements.txt"
}

start() {
  mkdir -p "$DIR/artifacts"
  exec 9>"$DIR/start.lock"
  flock 9
  ensure_venv
  if is_up; then return 0; fi
  require_free_port "$PORT" "the benchmark's MLflow server (set BENCH_MLFLOW_PORT to use another port)"
  # SQLAlchemy 2.1 maps a bare postgresql:// to psycopg 3; the driver installed here is psycopg2.
  local store="postgresql+psycopg2://${PG_URL#*://}"
  store="${store%/}/$DB"
  log "starting MLflow on $URL, store $store, $WORKERS worker(s) (log: $LOGFILE)"
  # `stop` also ends the uvicorn workers: daemon_spawn gives them a process group of their own.
  daemon_spawn "$PIDFILE" "$LOGFILE" "$VENV/bin/mlflow" server \
    --backend-store-uri "$store" \
    --artifacts-destination "$DIR/artifacts" \
    --host 127.0.0.1 --port "$PORT" --workers "$WORKERS"
  # The first start on an empty database runs all of MLflow's schema migrations first.
  daemon_await "$PIDFILE" "$LOGFILE" 180 is_up \
    "the benchmark's MLflow server exited during startup" "read the log" \
    "MLflow did not answer on $URL/health" "read the log, then run '$0 stop'"
}

case "${1:-start}" in
  venv) ensure_venv; echo "$VENV" ;;
  start) start; echo "$URL" ;;
  stop) daemon_stop "$PIDFILE" ;;
  status) is_up && echo "up at $URL" || { echo down; exit 1; } ;;
  url) echo "$URL" ;;
  *) die "unknown command '$1'" "use venv, start, stop, status or url" ;;
esac
