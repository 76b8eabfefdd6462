#!/usr/bin/env bash
# A one-node Ray cluster with Ray Serve, dashboard and Serve proxy on loopback, that the Ray Serve adapter's
# tests run against.
# Usage: scripts/services/ray.sh start|stop|status|url|serve-port
# `start` prints the dashboard URL (where the Serve REST API lives) as its only line on stdout, so
# `URL=$(scripts/services/ray.sh start)` works. Ray is installed into .tools/venv-ray at the version pinned in
# ray-requirements.txt, and reinstalled only when that file changes. A running head is reused: start one per
# test run, not one per test.
#
# Sized for a 2-core machine shared with other test runs: 2 logical CPUs (the adapter asks 0.25 per replica),
# a 200 MB object store instead of ~30% of RAM in /dev/shm, no usage stats. Serve's HTTP proxy is not started
# here: the first PUT of an application config starts Serve, on the proxy address that config's http_options
# say (the tests use 127.0.0.1:$LLM_OPS_RAY_SERVE_PORT).
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/venv.sh"

# Ray opens many ports; all of them are fixed here, in one block, so that two checkouts (or another engineer's
# Ray) on the same machine can run side by side by moving LLM_OPS_RAY_DASHBOARD_PORT and the block with it.
DASHBOARD_PORT="${LLM_OPS_RAY_DASHBOARD_PORT:-58265}"
SERVE_PORT="${LLM_OPS_RAY_SERVE_PORT:-$((DASHBOARD_PORT + 1))}"
GCS_PORT="${LLM_OPS_RAY_GCS_PORT:-$((DASHBOARD_PORT + 2))}"
NODE_MANAGER_PORT=$((GCS_PORT + 1))
OBJECT_MANAGER_PORT=$((GCS_PORT + 2))
RUNTIME_ENV_AGENT_PORT=$((GCS_PORT + 3))
DASHBOARD_AGENT_GRPC_PORT=$((GCS_PORT + 4))
DASHBOARD_AGENT_LISTEN_PORT=$((GCS_PORT + 5))
METRICS_EXPORT_PORT=$((GCS_PORT + 6))
CLIENT_SERVER_PORT=$((GCS_PORT + 7))
MIN_WORKER_PORT=$((GCS_PORT + 10))
MAX_WORKER_PORT=$((GCS_PORT + 110))

DIR="${LLM_OPS_RAY_DIR:-$TOOLS/services/ray}"
VENV="$TOOLS/venv-ray"
REQUIREMENTS="$ROOT/scripts/services/ray-requirements.txt"
APPS="$ROOT/scripts/services/ray_apps"
PIDFILE="$DIR/ray.pid"
LOGFILE="$DIR/ray-start.log"
# Ray's session folders hold Unix sockets, whose paths may not exceed 107 bytes: a checkout deep in the file
# system would break them, so they live under /tmp, in a folder of this instance's own (per checkout and port
# block). `stop` finds the instance's processes by this folder.
TEMP_DIR="${LLM_OPS_RAY_TEMP_DIR:-/tmp/llm-ops-ray-$DASHBOARD_PORT-$(printf '%s' "$ROOT" | sha256sum | cut -c1-8)}"
URL="http://127.0.0.1:$DASHBOARD_PORT"

# Ray reports usage to its authors unless told not to; the tests must stay offline.
export RAY_USAGE_STATS_ENABLED=0 DO_NOT_TRACK=1
# The test application is imported from the work tree; no __pycache__ is left in it.
export PYTHONDONTWRITEBYTECODE=1

is_up() { curl -fsS --max-time 2 "$URL/api/ray/version" 2>/dev/null | grep -q '"ray_version"'; }

ensure_venv() {
  ensure_venv_from ray "$VENV" ray \
    "installing Ray ($(grep -m1 '^ray' "$REQUIREMENTS")) into $VENV (a cold install takes a few minutes)" \
    "$REQUIREMENTS"
}

# The pid of `ray start --block`, if it still runs: a pid from the file that now belongs to another process
# (its command line does not name this instance's temp folder) does not count.
head_pid() {
  local pid
  [ -f "$PIDFILE" ] || return 1
  pid="$(cat "$PIDFILE")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  case "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" in
    *"--temp-dir $TEMP_DIR "*) echo "$pid" ;;
    *) return 1 ;;
  esac
}

# The pids of every process of this Ray instance: `ray start --block` and everything below it. Ray gives its
# workers (the Serve controller, proxy and replicas) process groups of their own, so the head's group is not
# enough; and one of Ray's own processes whose parent died is found by the instance's temp folder, which
# their command lines name and no other process on the machine does.
instance_pids() {
  local head="${1:-}" pid cmdline
  {
    if [ -n "$head" ]; then
      # Descendants of the head, breadth first over the process table.
      ps -eo pid=,ppid= | awk -v root="$head" '
        { parent[$1] = $2 }
        END {
          keep[root] = 1; changed = 1
          while (changed) {
            changed = 0
            for (p in parent) if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; changed = 1 }
          }
          for (p in keep) print p
        }'
    fi
    for pid in $(pgrep -f -- "$TEMP_DIR/" 2>/dev/null); do
      cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || continue
      case "$cmdline" in *"$TEMP_DIR/"*) echo "$pid" ;; esac
    done
  } | awk -v self="$$" -v sub_shell="$BASHPID" '$1 != self && $1 != sub_shell' | sort -u
}

start() {
  mkdir -p "$DIR"
  # Engineers share this cluster: a second `start` waits for the first instead of racing it for the ports.
  exec 9>"$DIR/start.lock"
  flock 9
  ensure_venv
  if is_up; then return 0; fi
  # A head that died without `stop` leaves processes behind that hold its ports; end them first.
  stop
  local port
  for port in "$DASHBOARD_PORT" "$SERVE_PORT" "$GCS_PORT" "$NODE_MANAGER_PORT" "$OBJECT_MANAGER_PORT" \
    "$RUNTIME_ENV_AGENT_PORT" "$DASHBOARD_AGENT_GRPC_PORT" "$DASHBOARD_AGENT_LISTEN_PORT" \
    "$METRICS_EXPORT_PORT" "$CLIENT_SERVER_PORT"; do
    require_free_port "$port" "the test Ray cluster (set LLM_OPS_RAY_DASHBOARD_PORT to move all of its ports)"
  done
  rm -rf "$TEMP_DIR"
  mkdir -p "$TEMP_DIR"
  log "starting Ray on $URL (log: $LOGFILE, Ray's own logs: $TEMP_DIR/session_latest/logs)"
  # --block keeps `ray start` in the foreground of its own process group (setsid), so `stop` can end exactly
  # this instance instead of `ray stop`, which would stop every Ray on the machine. 9>&- keeps the start lock
  # out of Ray, which would otherwise hold it for as long as it runs. PYTHONPATH makes the test application
  # (scripts/services/ray_apps) importable on the workers: over REST, runtime_env.working_dir must be a remote
  # URI, so a local module has to be on the path already. The dashboard (with the Serve REST API) and Serve's
  # proxy listen on 127.0.0.1; Ray's internal gRPC ports listen on all interfaces, and Ray replaces a loopback
  # --node-ip-address by the machine's own address on purpose, so there is no flag for them.
  PYTHONPATH="$APPS${PYTHONPATH:+:$PYTHONPATH}" setsid "$VENV/bin/ray" start --head --block --port "$GCS_PORT" \
    --num-cpus 2 --num-gpus 0 --object-store-memory 200000000 \
    --include-dashboard true --dashboard-host 127.0.0.1 --dashboard-port "$DASHBOARD_PORT" \
    --dashboard-agent-grpc-port "$DASHBOARD_AGENT_GRPC_PORT" \
    --dashboard-agent-listen-port "$DASHBOARD_AGENT_LISTEN_PORT" \
    --metrics-export-port "$METRICS_EXPORT_PORT" --runtime-env-agent-port "$RUNTIME_ENV_AGENT_PORT" \
    --node-manager-port "$NODE_MANAGER_PORT" --object-manager-port "$OBJECT_MANAGER_PORT" \
    --ray-client-server-port "$CLIENT_SERVER_PORT" \
    --min-worker-port "$MIN_WORKER_PORT" --max-worker-port "$MAX_WORKER_PORT" \
    --temp-dir "$TEMP_DIR" --disable-usage-stats \
    >"$LOGFILE" 2>&1 </dev/null 9>&- &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 240); do
    is_up && return 0
    if ! head_pid >/dev/null; then
      tail -n 25 "$LOGFILE" >&2 || true
      die "Ray exited during startup (log: $LOGFILE; Ray's own logs: $TEMP_DIR/session_latest/logs)" \
        "read the logs; run '$0 stop' and start again"
    fi
    sleep 0.5
  done
  tail -n 25 "$LOGFILE" >&2 || true
  die "Ray's dashboard did not answer on $URL/api/ray/version within 120 s (log: $LOGFILE)" \
    "read $TEMP_DIR/session_latest/logs/dashboard.log, then run '$0 stop' and start again"
}

# living PID...: those of the pids whose process still runs. Zombies do not count: a worker whose parent died
# is reparented to pid 1, which in some sandboxes never reaps it.
living() {
  local p
  for p in "$@"; do
    # The state follows the command name in parentheses, which may itself hold spaces.
    [ "$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | cut -c1)" = Z ] && continue
    kill -0 "$p" 2>/dev/null && echo "$p"
  done
  return 0
}

stop() {
  local pid="" pids
  pid="$(head_pid)" || pid=""
  # Taken before anything is signalled: once the head is gone, its workers' parent is gone too.
  pids="$(instance_pids "$pid")"
  if [ -n "$pid" ]; then
    # `ray start --block` shuts its node down in order (workers, raylet, then GCS) when it alone gets SIGTERM;
    # signalling the whole group at once kills the GCS first and leaves it waiting for RPC timeouts.
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
  fi
  rm -f "$PIDFILE"
  # Whatever is left of this instance (workers, replicas, the Serve proxy) is ended by pid.
  pids="$( (echo "$pids"; instance_pids) | awk 'NF' | sort -u)"
  for _ in $(seq 1 25); do
    # shellcheck disable=SC2086
    pids="$(living $pids)"
    [ -z "$pids" ] && return 0
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
    sleep 0.2
  done
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
  # On a busy machine a killed process takes a moment to go; `stop` returns when the ports are free.
  for _ in $(seq 1 50); do
    # shellcheck disable=SC2086
    pids="$(living $pids)"
    [ -z "$pids" ] && return 0
    sleep 0.2
  done
}

case "${1:-start}" in
  start) start; echo "$URL" ;;
  stop) stop ;;
  status)
    if is_up; then
      echo "up at $URL (Serve's HTTP proxy, once Serve runs: http://127.0.0.1:$SERVE_PORT)"
    else
      echo down
      exit 1
    fi
    ;;
  url) echo "$URL" ;;
  serve-port) echo "$SERVE_PORT" ;;
  *) die "unknown command '$1'" "use start, stop, status, url or serve-port" ;;
esac
