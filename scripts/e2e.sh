#!/usr/bin/env bash
# End-to-end tests of the LLM Ops frontend against a production build of the app: the app is
# built once into packages/app/dist (rebuilt only when its sources change) and served as static
# files by packages/app/e2e/serve.mjs; the backend runs on the embedded default (SQLite files of
# its own, guest sign-in). Both on ports of their own. Waits until the backend, the llm-ops plugin
# and the app's index and bundle answer, runs packages/app/e2e/*.test.mjs with playwright-core
# driving Debian's Chromium (each browser session signs in once before its timed tests), stops
# everything and exits non-zero on failure. Screenshots go to e2e-artifacts/ (git-ignored).
# Called by scripts/test.sh; runs on its own too.
#
#   LLM_OPS_E2E_FRONTEND_PORT (3100), LLM_OPS_E2E_BACKEND_PORT (7100): the ports to use.
#   LLM_OPS_E2E_REBUILD=1: build the app even when its inputs did not change.
#   LLM_OPS_E2E_RETRIES (0): how many times to rerun a failed test file.
#   LLM_OPS_E2E_KEEP=1: leave the portal running after the tests (for debugging; Ctrl-C stops it).
source "$(dirname "$0")/lib/common.sh"

FRONTEND_PORT="${LLM_OPS_E2E_FRONTEND_PORT:-3100}"
BACKEND_PORT="${LLM_OPS_E2E_BACKEND_PORT:-7100}"
FRONTEND_URL="http://localhost:$FRONTEND_PORT"
BACKEND_URL="http://localhost:$BACKEND_PORT"
DIR="$TOOLS/e2e"
ARTIFACTS="$ROOT/e2e-artifacts"
APP_DIST="$ROOT/packages/app/dist"
mkdir -p "$DIR" "$ARTIFACTS" "$TOOLS/reports"
# No stale counts when this run stops before the tests.
rm -f "$TOOLS/reports/e2e.json"

ensure_node
ensure_deps
# Debian's Chromium, never a browser downloaded by `playwright install`. apt_install runs apt-get
# non-interactively, through sudo only when not root.
if [ -z "${LLM_OPS_E2E_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi
export LLM_OPS_E2E_CHROMIUM="${LLM_OPS_E2E_CHROMIUM:-/usr/bin/chromium}"
[ -x "$LLM_OPS_E2E_CHROMIUM" ] || die "Chromium is missing at $LLM_OPS_E2E_CHROMIUM" \
  "install Debian's package (apt-get install chromium) or point LLM_OPS_E2E_CHROMIUM at a Chromium binary"

require_free_port "$FRONTEND_PORT" "the e2e portal's frontend (set LLM_OPS_E2E_FRONTEND_PORT to use another port)"
require_free_port "$BACKEND_PORT" "the e2e portal's backend (set LLM_OPS_E2E_BACKEND_PORT to use another port)"

# The e2e layer over app-config.yaml. It holds no secret and does not change between runs, so the
# app build (which embeds its frontend part: the two base URLs) can be reused. The backend reads
# its API token from LLM_OPS_API_TOKEN through app-config.yaml.
CONFIG="$DIR/app-config.e2e.yaml"
cat >"$CONFIG" <<YAML
app:
  baseUrl: $FRONTEND_URL
backend:
  baseUrl: $BACKEND_URL
  listen:
    port: $BACKEND_PORT
    host: 127.0.0.1
  cors:
    origin: $FRONTEND_URL
    methods: [GET, HEAD, PATCH, POST, PUT, DELETE]
    credentials: true
  database:
    client: better-sqlite3
    connection:
      # Removed at the start of every run: each run seeds its own data.
      directory: $DIR/sqlite
YAML

# --- The app bundle: built once, reused while its inputs are unchanged ---------------------------
# The inputs: the app, the workspace packages a browser bundle can contain (every role but the
# backend and node ones), the lockfile, the config the build embeds, and Node. Ignored files
# (dist, node_modules) are not.
bundled_packages() {
  # shellcheck disable=SC2016 # JavaScript, not shell, in single quotes
  (cd "$ROOT" && node -e '
    for (const dir of process.argv.slice(1)) {
      let role = "";
      try { role = require(`./${dir}/package.json`).backstage?.role ?? ""; } catch {}
      if (!/^(backend|node-library|cli)/.test(role)) console.log(dir);
    }' plugins/*/)
}
app_inputs_hash() {
  {
    # shellcheck disable=SC2046 # one argument per package directory
    (cd "$ROOT" && git ls-files -z -co --exclude-standard -- packages/app $(bundled_packages) yarn.lock \
      app-config.yaml ':!packages/app/e2e' | xargs -0 sha256sum 2>/dev/null)
    cat "$CONFIG"
    node --version
  } | sha256sum | cut -d' ' -f1
}
STAMP="$DIR/app-build.stamp"
want=""
git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1 && want="$(app_inputs_hash)"
# The embedded URL is checked too: another build (yarn build:all) may have replaced dist since.
if [ "${LLM_OPS_E2E_REBUILD:-}" != 1 ] && [ -n "$want" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] \
  && grep -qsF "\"baseUrl\": \"$BACKEND_URL\"" "$APP_DIST/index.html"; then
  log "app bundle up to date (packages/app/dist)"
else
  log "building the app bundle (backstage-cli package build; log: $LOGS/e2e-build.log)"
  build_start=$SECONDS
  rm -f "$STAMP"
  (cd "$ROOT/packages/app" && run_step e2e-build "read the build errors above; 'yarn tsc' at the root names them too" \
    yarn backstage-cli package build --config ../../app-config.yaml --config "$CONFIG")
  grep -qF "\"baseUrl\": \"$BACKEND_URL\"" "$APP_DIST/index.html" ||
    die "the app build did not embed the e2e config in packages/app/dist/index.html" "read $LOGS/e2e-build.log"
  [ -z "$want" ] || echo "$want" >"$STAMP"
  log "app bundle built in $((SECONDS - build_start))s"
fi

# --- The portal ------------------------------------------------------------------------------------
rm -rf "$DIR/sqlite" && mkdir -p "$DIR/sqlite"
# The demo DVC repository app-config.yaml points at (made once, as `make start` does).
node "$ROOT/scripts/demo/dvc-repo.mjs" "$TOOLS/data/demo-dvc-repo" >/dev/null
TOKEN="e2e-$(node -e 'process.stdout.write(require("crypto").randomBytes(12).toString("hex"))')"

# Job control puts each server in a process group of its own, so stopping the group stops all of
# it and nothing else.
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

# The backend from its TypeScript sources through the CLI's node transform, as `backstage-cli
# package start` runs it but without its file watcher: a source edited during the run (several
# people may share a working tree) must not restart the backend under a test.
TRANSFORM="$(cd "$ROOT/packages/backend" && node -e '
  const { createRequire } = require("node:module");
  const cli = createRequire(require.resolve("@backstage/cli/package.json"));
  const build = createRequire(cli.resolve("@backstage/cli-module-build/package.json"));
  process.stdout.write(build.resolve("@backstage/cli-node/config/nodeTransform.cjs"));')" ||
  die "cannot find @backstage/cli-node's nodeTransform.cjs" "run yarn install"
log "starting the e2e backend on 127.0.0.1:$BACKEND_PORT (log: $LOGS/e2e-backend.log)"
(cd "$ROOT/packages/backend" && NODE_ENV=development LLM_OPS_API_TOKEN="$TOKEN" \
  ESBK_TSCONFIG_PATH="$ROOT/tsconfig.json" exec node --enable-source-maps --require "$TRANSFORM" \
  src/index --config ../../app-config.yaml --config "$CONFIG") >"$LOGS/e2e-backend.log" 2>&1 &
PIDS+=($!)
BACKEND_PID=$!

log "serving the built app on $FRONTEND_URL (log: $LOGS/e2e-frontend.log)"
node "$ROOT/packages/app/e2e/serve.mjs" "$APP_DIST" "$FRONTEND_PORT" >"$LOGS/e2e-frontend.log" 2>&1 &
PIDS+=($!)
FRONTEND_PID=$!

# wait_for URL WHAT PID LOG SECONDS: until URL answers 2xx, or the server behind it stops.
wait_for() {
  local url="$1" what="$2" pid="$3" logfile="$4" seconds="$5" start=$SECONDS
  while [ $((SECONDS - start)) -lt "$seconds" ]; do
    curl -fsS --max-time 10 -o /dev/null "$url" 2>/dev/null && return 0
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -30 "$logfile" >&2
      die "the $what stopped while starting" "read $logfile"
    fi
    sleep 1
  done
  tail -30 "$logfile" >&2
  die "the $what did not answer at $url within ${seconds}s" "read $logfile"
}

ready_start=$SECONDS
wait_for "http://127.0.0.1:$FRONTEND_PORT/llm-ops" "app's index" "$FRONTEND_PID" "$LOGS/e2e-frontend.log" 30
main_js="$(curl -fsS "http://127.0.0.1:$FRONTEND_PORT/llm-ops" | grep -o '/static/main\.[0-9a-f]*\.js' | head -1)" || true
[ -n "$main_js" ] || die "the app's index links no /static/main.*.js" "rebuild it: LLM_OPS_E2E_REBUILD=1 bash scripts/e2e.sh"
wait_for "http://127.0.0.1:$FRONTEND_PORT$main_js" "app's main bundle" "$FRONTEND_PID" "$LOGS/e2e-frontend.log" 30
wait_for "http://127.0.0.1:$BACKEND_PORT/.backstage/health/v1/readiness" backend "$BACKEND_PID" "$LOGS/e2e-backend.log" 300
wait_for "http://127.0.0.1:$BACKEND_PORT/api/llm-ops/v1/health" "llm-ops plugin" "$BACKEND_PID" "$LOGS/e2e-backend.log" 60
log "portal ready in $((SECONDS - ready_start))s: frontend $FRONTEND_URL, backend $BACKEND_URL"

export LLM_OPS_E2E_FRONTEND_URL="$FRONTEND_URL"
export LLM_OPS_E2E_BACKEND_URL="$BACKEND_URL"
export LLM_OPS_API_TOKEN="$TOKEN"
export LLM_OPS_E2E_ARTIFACTS="$ARTIFACTS"

# --- The tests -----------------------------------------------------------------------------------
status=0
passed=0
failed=0
# count WORD LOG: the number on node's closing line "ℹ WORD N", 0 when there is none.
count() { sed -n "s/^ℹ $1 \([0-9]*\)$/\1/p" "$2" | tail -1 | grep . || echo 0; }
for test in "$ROOT"/packages/app/e2e/*.test.mjs; do
  attempts=$((1 + ${LLM_OPS_E2E_RETRIES:-0}))
  for attempt in $(seq 1 "$attempts"); do
    log "e2e: $(basename "$test") (attempt $attempt of $attempts)"
    set +e
    node --test --test-reporter=spec --test-concurrency=1 "$test" 2>&1 | tee "$DIR/output.log"
    rc=${PIPESTATUS[0]}
    set -e
    [ "$rc" -eq 0 ] && break
    # A failed attempt's output stays next to the final one; the counts are the final one's.
    cp "$DIR/output.log" "$DIR/output-attempt-$attempt.log"
  done
  [ "$rc" -eq 0 ] || status=1
  passed=$((passed + $(count pass "$DIR/output.log")))
  # A test cancelled because its suite's set-up failed did not pass either.
  file_failed=$(($(count fail "$DIR/output.log") + $(count cancelled "$DIR/output.log")))
  # A file that failed before any test ran still counts as a failure.
  [ "$rc" -eq 0 ] || [ "$file_failed" -gt 0 ] || file_failed=1
  failed=$((failed + file_failed))
done
# Test case counts for the summary of scripts/test.sh, in the shape of its Jest report.
printf '{"numPassedTests":%d,"numFailedTests":%d}\n' "$passed" "$failed" >"$TOOLS/reports/e2e.json"

if [ "${LLM_OPS_E2E_KEEP:-}" = 1 ]; then
  log "LLM_OPS_E2E_KEEP=1: the portal keeps running on $FRONTEND_URL; Ctrl-C stops it"
  wait
fi
[ "$status" -eq 0 ] || die "end-to-end tests failed (screenshots in $ARTIFACTS)" "read the output above and $LOGS/e2e-*.log"
log "end-to-end tests passed: $passed test cases (screenshots in $ARTIFACTS)"
