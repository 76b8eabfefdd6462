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

DIR="$TOOLS/bench/mlflow"
VENV="$TOOLS/venv-mlflow-bench"
REQUIREMENTS="$ROOT/scripts/bench/mlflow/requirements.txt"
STAMP="$VENV/.requirements.sha256"
PIDFILE="$DIR/mlflow.pid"
LOGFILE="$DIR/server.log"
PORT="${BENCH_MLFLOW_PORT:-7208}"
URL="http://127.0.0.1:$PORT"
PG_URL="${BENCH_PG_URL:-postgresql://postgres@127.0.0.1:55432}"
DB="${BENCH_MLFLOW_DB:-mlflow_bench}"
WORKERS="${BENCH_MLFLOW_WORKERS:-1}"
PYTHON="${LLM_OPS_PYTHON:-python3}"

export MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true
# As in scripts/services/mlflow.sh: no GenAI job runner (huey consumers), which the REST 2.0 API does not use.
export MLFLOW_SERVER_ENABLE_JOB_EXECUTION="${MLFLOW_SERVER_ENABLE_JOB_EXECUTION:-false}"

is_up() { [ "$(curl -fsS --max-time 2 "$URL/health" 2>/dev/null)" = "OK" ]; }

# Rebuilt when the requirements (both files) or the Python change; the stamp is written after a successful install.
ensure_venv() {
  need_cmd "$PYTHON" "install Python 3.10 or newer, or point LLM_OPS_PYTHON at one"
  local want
  want="$(cat "$REQUIREMENTS" "$ROOT/scripts/services/mlflow-requirements.txt" | sha256sum | cut -d' ' -f1) $("$PYTHON" -c 'import sys; print(sys.version.split()[0])')"
  if [ -x "$VENV/bin/mlflow" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
    return 0
  fi
  log "installing MLflow + psycopg2-binary into $VENV (a cold install takes a few minutes)"
  rm -rf "$VENV"
  run_step mlflow-bench-venv "check that '$PYTHON -m venv' works (Debian: apt-get install python3-venv)" \
    "$PYTHON" -m venv "$VENV"
  run_step mlflow-bench-pip-install \
    "check that PyPI is reachable (pip config list) and that $REQUIREMENTS names versions that exist" \
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
  # setsid: its own process group, so `stop` also ends the uvicorn workers. 9>&- keeps the lock out of it.
  setsid "$VENV/bin/mlflow" server \
    --backend-store-uri "$store" \
    --artifacts-destination "$DIR/artifacts" \
    --host 127.0.0.1 --port "$PORT" --workers "$WORKERS" \
    >"$LOGFILE" 2>&1 </dev/null 9>&- &
  echo $! >"$PIDFILE"
  # The first start on an empty database runs all of MLflow's schema migrations first.
  for _ in $(seq 1 360); do
    is_up && return 0
    if ! server_pid >/dev/null; then
      tail -n 25 "$LOGFILE" >&2 || true
      die "the benchmark's MLflow server exited during startup (full log: $LOGFILE)" "read the log"
    fi
    sleep 0.5
  done
  tail -n 25 "$LOGFILE" >&2 || true
  die "MLflow did not answer on $URL/health within 180 s (full log: $LOGFILE)" "read the log, then run '$0 stop'"
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
  venv) ensure_venv; echo "$VENV" ;;
  start) start; echo "$URL" ;;
  stop) stop ;;
  status) is_up && echo "up at $URL" || { echo down; exit 1; } ;;
  url) echo "$URL" ;;
  *) die "unknown command '$1'" "use venv, start, stop, status or url" ;;
esac
