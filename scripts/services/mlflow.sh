#!/usr/bin/env bash
# An MLflow tracking server of the project's own, on loopback, that the MLflow adapter's tests run against.
# Usage: scripts/services/mlflow.sh start|stop|status|url
# `start` prints the server URL as its only line on stdout, so `URL=$(scripts/services/mlflow.sh start)` works.
# MLflow is installed into .tools/venv-mlflow at the version pinned in mlflow-requirements.txt, and reinstalled
# only when that file changes. The SQLite store and the artifacts live in .tools/services/mlflow; stop the server
# and remove that folder to start from an empty server. A running server is reused.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/versions.sh"

# A second instance (the fault test kills and restarts its own) sets its own folder and port.
DIR="${LLM_OPS_MLFLOW_DIR:-$TOOLS/services/mlflow}"
VENV="$TOOLS/venv-mlflow"
REQUIREMENTS="$ROOT/scripts/services/mlflow-requirements.txt"
STAMP="$VENV/.requirements.sha256"
PIDFILE="$DIR/mlflow.pid"
LOGFILE="$DIR/server.log"
PORT="$LLM_OPS_MLFLOW_PORT"
URL="http://127.0.0.1:$PORT"
PYTHON="${LLM_OPS_PYTHON:-python3}"

# MLflow 3 reports usage to its authors unless told not to; the tests and the server must stay offline.
export MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true
# MLflow 3 also starts a background job runner (seven huey consumer processes, ~0.5 GB) for GenAI scorers and
# trace jobs, which the REST 2.0 tracking and registry API does not use. Set it to true to get it back.
export MLFLOW_SERVER_ENABLE_JOB_EXECUTION="${MLFLOW_SERVER_ENABLE_JOB_EXECUTION:-false}"

is_up() { [ "$(curl -fsS --max-time 2 "$URL/health" 2>/dev/null)" = "OK" ]; }

# The venv is rebuilt when the pinned requirements or the Python that made it change; the stamp is written only
# after a successful install, so an interrupted install is retried on the next start.
ensure_venv() {
  need_cmd "$PYTHON" "install Python 3.10 or newer, or point LLM_OPS_PYTHON at one"
  local want
  want="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1) $("$PYTHON" -c 'import sys; print(sys.version.split()[0])')"
  if [ -x "$VENV/bin/mlflow" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
    return 0
  fi
  log "installing MLflow ($(grep -m1 '^mlflow' "$REQUIREMENTS")) into $VENV (a cold install takes a few minutes)"
  rm -rf "$VENV"
  run_step mlflow-venv "check that '$PYTHON -m venv' works (Debian: apt-get install python3-venv)" \
    "$PYTHON" -m venv "$VENV"
  run_step mlflow-pip-install \
    "check that PyPI is reachable (pip config list) and that $REQUIREMENTS names a version that exists" \
    "$VENV/bin/pip" install --disable-pip-version-check --no-input -r "$REQUIREMENTS"
  echo "$want" >"$STAMP"
}

server_pid() {
  local pid
  [ -f "$PIDFILE" ] || return 1
  pid="$(cat "$PIDFILE")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
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
  # small machine. setsid gives the server its own process group, so `stop` also ends the worker it spawns.
  # 9>&- keeps the start lock out of the server, which would otherwise hold it for as long as it runs.
  # The Host-header allow-list of MLflow 3's security middleware already accepts 127.0.0.1 and localhost.
  setsid "$VENV/bin/mlflow" server \
    --backend-store-uri "sqlite:///$DIR/mlflow.db" \
    --artifacts-destination "$DIR/artifacts" \
    --host 127.0.0.1 --port "$PORT" --workers 1 \
    >"$LOGFILE" 2>&1 </dev/null 9>&- &
  echo $! >"$PIDFILE"
  # The first start on a fresh database runs all of MLflow's schema migrations first.
  for _ in $(seq 1 240); do
    is_up && return 0
    if ! server_pid >/dev/null; then
      tail -n 25 "$LOGFILE" >&2 || true
      die "the MLflow server exited during startup (full log: $LOGFILE)" \
        "read the log; remove $DIR to start from an empty database"
    fi
    sleep 0.5
  done
  tail -n 25 "$LOGFILE" >&2 || true
  die "MLflow did not answer on $URL/health within 120 s (full log: $LOGFILE)" "read the log, then run '$0 stop' and start again"
}

stop() {
  local pid
  pid="$(server_pid)" || { rm -f "$PIDFILE"; return 0; }
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$PIDFILE"
}

case "${1:-start}" in
  start) start; echo "$URL" ;;
  stop) stop ;;
  status) is_up && echo "up at $URL" || { echo down; exit 1; } ;;
  url) echo "$URL" ;;
  *) die "unknown command '$1'" "use start, stop, status or url" ;;
esac
