#!/usr/bin/env bash
# End-to-end tests of the LLM Ops frontend: starts the portal on the embedded default (SQLite files
# of its own, guest sign-in) on ports of its own, waits until it answers, runs packages/app/e2e/*.mjs
# with playwright-core driving Debian's Chromium, stops everything and exits non-zero on failure.
# Screenshots go to e2e-artifacts/ (git-ignored). Called by scripts/test.sh; runs on its own too.
#
#   LLM_OPS_E2E_FRONTEND_PORT (3100), LLM_OPS_E2E_BACKEND_PORT (7100): the ports to use.
#   LLM_OPS_E2E_KEEP=1: leave the portal running after the tests (for debugging; Ctrl-C stops it).
source "$(dirname "$0")/lib/common.sh"

FRONTEND_PORT="${LLM_OPS_E2E_FRONTEND_PORT:-3100}"
BACKEND_PORT="${LLM_OPS_E2E_BACKEND_PORT:-7100}"
DIR="$TOOLS/e2e"
ARTIFACTS="$ROOT/e2e-artifacts"
mkdir -p "$DIR" "$ARTIFACTS"

ensure_node
ensure_deps
if [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi

require_free_port "$FRONTEND_PORT" "the e2e portal's frontend (set LLM_OPS_E2E_FRONTEND_PORT to use another port)"
require_free_port "$BACKEND_PORT" "the e2e portal's backend (set LLM_OPS_E2E_BACKEND_PORT to use another port)"

rm -rf "$DIR/sqlite" && mkdir -p "$DIR/sqlite"
TOKEN="e2e-$(node -e 'process.stdout.write(require("crypto").randomBytes(12).toString("hex"))')"
CONFIG="$DIR/app-config.e2e.yaml"
cat >"$CONFIG" <<YAML
app:
  baseUrl: http://localhost:$FRONTEND_PORT
  listen:
    host: 127.0.0.1
    port: $FRONTEND_PORT
backend:
  baseUrl: http://localhost:$BACKEND_PORT
  listen:
    port: $BACKEND_PORT
    host: 127.0.0.1
  cors:
    origin: http://localhost:$FRONTEND_PORT
    methods: [GET, HEAD, PATCH, POST, PUT, DELETE]
    credentials: true
  database:
    # Files rather than memory: the dev backend restarts when a source file changes, and the
    # seeded data must survive that. Removed at the start of every run.
    client: better-sqlite3
    connection:
      directory: $DIR/sqlite
  auth:
    externalAccess:
      - type: static
        options:
          token: $TOKEN
          subject: llm-ops-e2e
YAML

# Job control puts each server (yarn, the CLI and the node process it starts) in a process group
# of its own, so stopping the group stops all of it and nothing else.
set -m
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do
    kill -TERM -- -"$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 20); do kill -0 -- -"$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- -"$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "starting the e2e backend on 127.0.0.1:$BACKEND_PORT (log: $LOGS/e2e-backend.log)"
(cd "$ROOT/packages/backend" && LLM_OPS_API_TOKEN="$TOKEN" exec yarn backstage-cli package start \
  --config ../../app-config.yaml --config "$CONFIG") >"$LOGS/e2e-backend.log" 2>&1 &
PIDS+=($!)
BACKEND_PID=$!

log "starting the e2e frontend on http://localhost:$FRONTEND_PORT (log: $LOGS/e2e-frontend.log)"
(cd "$ROOT/packages/app" && BROWSER=none exec yarn backstage-cli package start \
  --config ../../app-config.yaml --config "$CONFIG") >"$LOGS/e2e-frontend.log" 2>&1 &
PIDS+=($!)
FRONTEND_PID=$!

# wait_for URL WHAT PID LOG SECONDS
wait_for() {
  local url="$1" what="$2" pid="$3" logfile="$4" seconds="$5"
  for _ in $(seq 1 "$seconds"); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -30 "$logfile" >&2
      die "the $what stopped while starting" "read $logfile"
    fi
    sleep 1
  done
  tail -30 "$logfile" >&2
  die "the $what did not answer at $url within ${seconds}s" "read $logfile"
}

wait_for "http://127.0.0.1:$BACKEND_PORT/.backstage/health/v1/readiness" backend "$BACKEND_PID" "$LOGS/e2e-backend.log" 300
wait_for "http://127.0.0.1:$BACKEND_PORT/api/llm-ops/v1/health" "llm-ops plugin" "$BACKEND_PID" "$LOGS/e2e-backend.log" 60
# The dev server answers once the first bundle is built.
wait_for "http://127.0.0.1:$FRONTEND_PORT/" frontend "$FRONTEND_PID" "$LOGS/e2e-frontend.log" 600
log "portal ready: frontend http://localhost:$FRONTEND_PORT, backend http://localhost:$BACKEND_PORT"

export LLM_OPS_E2E_FRONTEND_URL="http://localhost:$FRONTEND_PORT"
export LLM_OPS_E2E_BACKEND_URL="http://localhost:$BACKEND_PORT"
export LLM_OPS_API_TOKEN="$TOKEN"
export LLM_OPS_E2E_ARTIFACTS="$ARTIFACTS"
export LLM_OPS_E2E_CHROMIUM="${LLM_OPS_E2E_CHROMIUM:-/usr/bin/chromium}"

status=0
passed=0
failed=0
# count WORD LOG: the number on node's closing line "ℹ WORD N", 0 when there is none.
count() { sed -n "s/^ℹ $1 \([0-9]*\)$/\1/p" "$2" | tail -1 | grep . || echo 0; }
for test in "$ROOT"/packages/app/e2e/*.test.mjs; do
  log "e2e: $(basename "$test")"
  set +e
  node --test --test-reporter=spec --test-concurrency=1 "$test" 2>&1 | tee "$DIR/output.log"
  rc=${PIPESTATUS[0]}
  # One retry of a failed file, as Playwright suites do on CI: a cold browser loading the
  # development bundle on a small, busy machine can outlast a navigation timeout. The first
  # attempt's output stays in the log; the counts are the retry's.
  if [ "$rc" -ne 0 ] && [ "${LLM_OPS_E2E_RETRIES:-1}" -gt 0 ]; then
    log "e2e: $(basename "$test") failed; retrying once"
    cp "$DIR/output.log" "$DIR/output-first-attempt.log"
    node --test --test-reporter=spec --test-concurrency=1 "$test" 2>&1 | tee "$DIR/output.log"
    rc=${PIPESTATUS[0]}
  fi
  set -e
  [ "$rc" -eq 0 ] || status=1
  passed=$((passed + $(count pass "$DIR/output.log")))
  failed=$((failed + $(count fail "$DIR/output.log")))
  # A file that failed before any test ran still counts as a failure.
  [ "$rc" -eq 0 ] || [ "$(count fail "$DIR/output.log")" -gt 0 ] || failed=$((failed + 1))
done
# Test case counts for the summary of scripts/test.sh, in the shape of its Jest report.
mkdir -p "$TOOLS/reports"
printf '{"numPassedTests":%d,"numFailedTests":%d}\n' "$passed" "$failed" >"$TOOLS/reports/e2e.json"

if [ "${LLM_OPS_E2E_KEEP:-}" = 1 ]; then
  log "LLM_OPS_E2E_KEEP=1: the portal keeps running; Ctrl-C stops it"
  wait
fi
[ "$status" -eq 0 ] || die "end-to-end tests failed (screenshots in $ARTIFACTS)" "read the output above and $LOGS/e2e-*.log"
log "end-to-end tests passed (screenshots in $ARTIFACTS)"
