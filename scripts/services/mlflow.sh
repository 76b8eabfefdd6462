#!/usr/bin/env bash
# An MLflow tracking server of the project's own, on loopback, that the MLflow adapter's tests run against.
# Usage: scripts/services/mlflow.sh start|stop|status|url
# `start` prints the server URL as its only line on stdout, so `URL=$(scripts/services/mlflow.sh start)` works.
# MLflow is installed into .tools/venv-mlflow at the version pinned in mlflow-requirements.txt, and reinstalled
# only when that file changes. The SQLite store and the artifacts live in .tools/services/mlflow; stop the server
# and remove that folder to start from an empty server. A running server is reused.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/versions.sh"
source "$(dirname "$0")/../lib/venv.sh"
source "$(dirname "$0")/../lib/daemon.sh"

# A second instance (the fault test kills and restarts its own) sets its own folder and port.
DIR="${LLM_OPS_MLFLOW_DIR:-$TOOLS/services/mlflow}"
VENV="$TOOLS/venv-mlflow"
REQUIREMENTS="$ROOT/scripts/services/mlflow-requirements.txt"
PIDFILE="$DIR/mlflow.pid"
LOGFILE="$DIR/server.log"
PORT="$LLM_OPS_MLFLOW_PORT"
URL="http://127.0.0.1:$PORT"

# MLflow 3 reports usage to its authors unless told not to; the tests and the server must stay offline.
export MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true
# MLflow 3 also starts a background job runner (seven huey consumer processes, ~0.5 GB) for GenAI scorers and
# trace jobs, which the REST 2.0 tracking and registry API does not use. Set it to true to get it back.
export MLFLOW_SERVER_ENABLE_JOB_EXECUTION="${MLFLOW_SERVER_ENABLE_JOB_EXECUTION:-false}"

is_up() { [ "$(curl -fsS --max-time 2 "$URL/health" 2>/dev/null)" = "OK" ]; }

ensure_venv() {
  ensure_venv_from mlflow "$VENV" mlflow \
    "installing MLflow ($(grep -m1 '^mlflow' "$REQUIREMENTS")) into $VENV (a cold install takes a few minutes)" \
    "$REQUIREMENTS"
}

start() {
  mkdir -p "$DIR"
  # Engineers share this server: a second `start` waits for the first instead of racing it for the port.
  exec 9>"$DIR/start.lock"
  flock 9
  ensure_venv
  if is_up; then return 0; fi
  require_free_port "$PORT" "the test MLflow server (set LLM_OPS_MLFLOW_PORT to use another port)"
  mkdir -p "$DIR/artifacts"
  log "starting MLflow on $URL (log: $LOGFILE)"
  # One uvicorn worker: every extra worker imports all of mlflow again, which costs seconds and memory on a
  # small machine; `stop` ends the worker with the server (daemon_spawn gives them a process group of their own).
  # The Host-header allow-list of MLflow 3's security middleware already accepts 127.0.0.1 and localhost.
  daemon_spawn "$PIDFILE" "$LOGFILE" "$VENV/bin/mlflow" server \
    --backend-store-uri "sqlite:///$DIR/mlflow.db" \
    --artifacts-destination "$DIR/artifacts" \
    --host 127.0.0.1 --port "$PORT" --workers 1
  # The first start on a fresh database runs all of MLflow's schema migrations first.
  daemon_await "$PIDFILE" "$LOGFILE" 120 is_up \
    "the MLflow server exited during startup" "read the log; remove $DIR to start from an empty database" \
    "MLflow did not answer on $URL/health" "read the log, then run '$0 stop' and start again"
}

case "${1:-start}" in
  start) start; echo "$URL" ;;
  stop) daemon_stop "$PIDFILE" ;;
  status) is_up && echo "up at $URL" || { echo down; exit 1; } ;;
  url) echo "$URL" ;;
  *) die "unknown command '$1'" "use start, stop, status or url" ;;
esac
