#!/usr/bin/env bash
# A PostgreSQL server of the project's own, on loopback, for tests and benchmarks.
# Usage: scripts/services/postgres.sh start|stop|status|url
# Data lives in .tools/services/postgres; `make reset` removes it. A running server is reused.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/versions.sh"

# The server runs as 'postgres' when we are root; that user must be able to reach its data folder.
# A checkout inside a private folder (mode 0700) cannot be reached, so the data then lives under
# /var/lib/llm-ops/<hash of the checkout path> instead.
PGDIR="$TOOLS/services/postgres"
if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$TOOLS" 2>/dev/null; then
  PGDIR="/var/lib/llm-ops/$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)/postgres"
fi
DATA="$PGDIR/data"
PORT="$LLM_OPS_PG_PORT"
URL="postgresql://postgres@127.0.0.1:$PORT"

pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -n "$dir" ] || return 1
  echo "$dir"
}

# PostgreSQL refuses to run as root; when the scripts run as root (CI, containers) the server
# runs as the 'postgres' user that Debian's package creates.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

is_up() { "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres; }

start() {
  BIN="$(pg_bin)" || { apt_install postgresql; BIN="$(pg_bin)" || die "PostgreSQL binaries not found after install" "apt-get install postgresql"; }
  if is_up; then return 0; fi
  require_free_port "$PORT" "the test PostgreSQL (set LLM_OPS_PG_PORT to use another port)"
  mkdir -p "$PGDIR"
  if [ ! -f "$DATA/PG_VERSION" ]; then
    log "initialising a PostgreSQL data directory in $DATA"
    rm -rf "$DATA"; mkdir -p "$DATA"
    [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$PGDIR"
    run_step postgres-initdb "remove $PGDIR and try again" \
      as_pg "$BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8
  fi
  [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$PGDIR"
  log "starting PostgreSQL on 127.0.0.1:$PORT"
  run_step postgres-start "read $PGDIR/server.log; remove $PGDIR to start from scratch" \
    as_pg "$BIN/pg_ctl" -D "$DATA" -l "$PGDIR/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories='' -c max_connections=300 -c shared_buffers=512MB -c work_mem=16MB"
}

stop() {
  BIN="$(pg_bin)" || return 0
  [ -f "$DATA/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true
}

case "${1:-start}" in
  start) start; echo "$URL" ;;
  stop) stop ;;
  dir) echo "$PGDIR" ;;
  status) BIN="$(pg_bin)" && is_up && echo "up at $URL" || { echo down; exit 1; } ;;
  url) echo "$URL" ;;
  *) die "unknown command '$1'" "use start, stop, status, dir or url" ;;
esac
