#!/usr/bin/env bash
# A Redis server of the project's own, on loopback, used by tests as the backend cache store.
# Usage: scripts/services/redis.sh start|stop|status|url. A running server is reused.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/versions.sh"

DIR="$TOOLS/services/redis"
PORT="$LLM_OPS_REDIS_PORT"
URL="redis://127.0.0.1:$PORT"

is_up() { redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null | grep -q PONG; }

start() {
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  if is_up; then return 0; fi
  require_free_port "$PORT" "the test Redis (set LLM_OPS_REDIS_PORT to use another port)"
  mkdir -p "$DIR"
  log "starting Redis on 127.0.0.1:$PORT"
  run_step redis-start "read $DIR/redis.log" \
    redis-server --bind 127.0.0.1 --port "$PORT" --daemonize yes --dir "$DIR" --save '' --appendonly no \
    --logfile "$DIR/redis.log" --pidfile "$DIR/redis.pid"
  for _ in $(seq 1 50); do is_up && return 0; sleep 0.1; done
  die "Redis did not answer on port $PORT" "read $DIR/redis.log"
}

stop() { redis-cli -h 127.0.0.1 -p "$PORT" shutdown nosave >/dev/null 2>&1 || true; }

case "${1:-start}" in
  start) start; echo "$URL" ;;
  stop) stop ;;
  status) is_up && echo "up at $URL" || { echo down; exit 1; } ;;
  url) echo "$URL" ;;
  *) die "unknown command '$1'" "use start, stop, status or url" ;;
esac
