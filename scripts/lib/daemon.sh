# shellcheck shell=bash
# A server run in the background with a pid file, for the scripts that start the project's test services
# (start it, wait until it answers, stop it with everything it spawned). Sourced after common.sh, never executed.
# The scripts hold their start lock on fd 9 while they start a server, so that a second `start` waits for the
# first instead of racing it for the port.

# daemon_pid PIDFILE: prints the pid that PIDFILE names while that process runs; fails when there is none.
daemon_pid() {
  local pid
  [ -f "$1" ] || return 1
  pid="$(cat "$1")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# daemon_spawn PIDFILE LOGFILE COMMAND...: starts COMMAND in the background, its output in LOGFILE, its pid in
# PIDFILE. setsid gives it a process group of its own, so daemon_stop also ends the workers it spawns; 9>&- keeps
# the caller's start lock out of it, which would otherwise hold the lock for as long as it runs.
daemon_spawn() {
  local pidfile="$1" logfile="$2"
  shift 2
  setsid "$@" >"$logfile" 2>&1 </dev/null 9>&- &
  echo $! >"$pidfile"
}

# daemon_await PIDFILE LOGFILE SECONDS PROBE EXITED EXITED_HINT LATE LATE_HINT: returns once the command PROBE
# succeeds (it is tried every half second). When the process exits first, dies with the log's tail and
# "EXITED (full log: LOGFILE)"; when SECONDS pass, with "LATE within SECONDS s (full log: LOGFILE)".
daemon_await() {
  local pidfile="$1" logfile="$2" seconds="$3" probe="$4" exited="$5" exited_hint="$6" late="$7" late_hint="$8"
  for _ in $(seq 1 $((seconds * 2))); do
    "$probe" && return 0
    if ! daemon_pid "$pidfile" >/dev/null; then
      tail -n 25 "$logfile" >&2 || true
      die "$exited (full log: $logfile)" "$exited_hint"
    fi
    sleep 0.5
  done
  tail -n 25 "$logfile" >&2 || true
  die "$late within $seconds s (full log: $logfile)" "$late_hint"
}

# daemon_stop PIDFILE: ends the process that PIDFILE names and its process group (TERM, then KILL for whatever
# is left after 10 s) and removes PIDFILE. Nothing running is not an error.
daemon_stop() {
  local pidfile="$1" pid
  pid="$(daemon_pid "$pidfile")" || { rm -f "$pidfile"; return 0; }
  # A process that does not lead its own group (not started by daemon_spawn) gets a TERM of its own.
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$pidfile"
}
