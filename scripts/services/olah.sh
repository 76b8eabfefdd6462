#!/usr/bin/env bash
# olah, an open-source Hugging Face Hub mirror server, on loopback, that the Hugging Face module's tests run
# against: the real Hub is unreachable from the project's machines.
# Usage: scripts/services/olah.sh start|stop|status|url|mirrors
# `start` prints the hub URL as its only line on stdout, so `URL=$(scripts/services/olah.sh start)` works;
# `mirrors` prints the folder of the git repositories it serves.
#
# olah runs offline (it never calls huggingface.co) and serves the git repositories under
# <mirrors>/models/<org>/<repo> as Hub model repositories: model info, revisions, commits, trees, paths-info,
# refs and /resolve/. It looks a repository up on every request, so tests create their fixture repositories
# there with plain `git` while it runs; none needs to exist at start. olah is installed into .tools/venv-olah
# with the versions pinned in olah-requirements.txt, and reinstalled only when that file changes. The config,
# logs, cache and mirrors live in .tools/services/olah. A running server is reused.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/venv.sh"
source "$(dirname "$0")/../lib/daemon.sh"

DIR="${LLM_OPS_OLAH_DIR:-$TOOLS/services/olah}"
MIRRORS="$DIR/mirrors"
VENV="$TOOLS/venv-olah"
REQUIREMENTS="$ROOT/scripts/services/olah-requirements.txt"
PIDFILE="$DIR/olah.pid"
LOGFILE="$DIR/server.log"
CONFIG="$DIR/configs.toml"
PORT="${LLM_OPS_OLAH_PORT:-58090}"
URL="http://127.0.0.1:$PORT"

export DO_NOT_TRACK=1 HF_HUB_DISABLE_TELEMETRY=1 PYTHONDONTWRITEBYTECODE=1

# olah answers a repository it does not have with the Hub's 404 JSON; anything else on this port is not olah.
is_up() {
  curl -sS --max-time 2 "$URL/api/models/llm-ops-probe/absent/revision/main" 2>/dev/null |
    grep -q '"error"'
}

ensure_venv() {
  ensure_venv_from olah "$VENV" olah-cli "installing olah ($(grep -m1 '^olah==' "$REQUIREMENTS")) into $VENV" \
    "$REQUIREMENTS"
}

# Offline mode: olah serves the mirrors and never contacts its upstream. The upstream is still set to a closed
# loopback port, because the few routes olah always proxies (whoami-v2) would otherwise try huggingface.co and
# hang until their timeout.
write_config() {
  cat >"$CONFIG" <<EOF
[basic]
host = "127.0.0.1"
port = $PORT
repos-path = "$DIR/repos"
mirrors-path = ["$MIRRORS"]
hf-scheme = "http"
hf-netloc = "127.0.0.1:9"
hf-lfs-netloc = "127.0.0.1:9"
mirror-scheme = "http"
mirror-netloc = "127.0.0.1:$PORT"
mirror-lfs-netloc = "127.0.0.1:$PORT"

[accessibility]
offline = true
EOF
}

start() {
  mkdir -p "$DIR" "$MIRRORS/models" "$DIR/repos" "$DIR/logs"
  # Engineers share this server: a second `start` waits for the first instead of racing it for the port.
  exec 9>"$DIR/start.lock"
  flock 9
  ensure_venv
  if is_up; then return 0; fi
  require_free_port "$PORT" "the test olah server (set LLM_OPS_OLAH_PORT to use another port)"
  write_config
  log "starting olah on $URL, serving $MIRRORS (log: $LOGFILE)"
  # The log (uvicorn's access log included) goes to $LOGFILE; every path in the config is absolute.
  daemon_spawn "$PIDFILE" "$LOGFILE" "$VENV/bin/olah-cli" --config "$CONFIG" --log-path "$DIR/logs"
  daemon_await "$PIDFILE" "$LOGFILE" 60 is_up \
    "olah exited during startup" "read the log; remove $DIR to start afresh" \
    "olah did not answer on $URL" "read the log, then run '$0 stop' and start again"
}

case "${1:-start}" in
  start) start; echo "$URL" ;;
  stop) daemon_stop "$PIDFILE" ;;
  status) is_up && echo "up at $URL, serving $MIRRORS" || { echo down; exit 1; } ;;
  url) echo "$URL" ;;
  mirrors) echo "$MIRRORS" ;;
  *) die "unknown command '$1'" "use start, stop, status, url or mirrors" ;;
esac
