# The portal backend (packages/backend) started for a measurement: the benchmarks source this
# after common.sh. It runs the way `backstage-cli package start` runs it (the same TypeScript
# loader) but without the CLI's file watcher: others edit the tree while a benchmark runs, and a
# restart in the middle of a measurement would count as errors.

# portal_transform: the path of the TypeScript loader `backstage-cli package start` uses.
portal_transform() {
  (cd "$ROOT/packages/backend" && node -p 'require.resolve("@backstage/cli-node/config/nodeTransform.cjs", { paths: [require.resolve("@backstage/cli-module-build/package.json")] })') ||
    die "cannot find @backstage/cli-node's nodeTransform.cjs" "run yarn install"
}

# start_portal_backend LOG CONFIG...: starts it in the background with app-config.yaml and then
# each CONFIG, stdout and stderr to LOG; sets BACKEND_PID.
# Environment: BACKEND_NODE_ENV (production: as deployed; in development Backstage pretty-prints
# every JSON answer), BACKEND_TOKEN (its LLM_OPS_API_TOKEN), BACKEND_NODE_FLAGS (an array of
# extra node flags, e.g. (--cpu-prof --cpu-prof-dir DIR)).
start_portal_backend() {
  local log="$1"
  shift
  local configs=(--config ../../app-config.yaml) config transform
  for config in "$@"; do configs+=(--config "$config"); done
  transform="$(portal_transform)"
  local flags=()
  if declare -p BACKEND_NODE_FLAGS >/dev/null 2>&1; then flags=("${BACKEND_NODE_FLAGS[@]}"); fi
  # 8>&-: a lock the caller holds on fd 8 is not inherited by the long-lived backend.
  (cd "$ROOT/packages/backend" && NODE_ENV="${BACKEND_NODE_ENV:-production}" LLM_OPS_API_TOKEN="${BACKEND_TOKEN:-}" \
    exec node --enable-source-maps "${flags[@]}" --require "$transform" src/index "${configs[@]}") \
    >"$log" 2>&1 8>&- &
  BACKEND_PID=$!
}

# profile_flags_if_asked DIR: with BENCH_CPU_PROFILE=1, sets BACKEND_NODE_FLAGS so that the backend
# writes a V8 CPU profile into DIR/profiles when it stops (scripts/bench/profile-summary.mjs sums
# it up for a window of seconds); otherwise leaves no flags.
profile_flags_if_asked() {
  BACKEND_NODE_FLAGS=()
  if [ "${BENCH_CPU_PROFILE:-0}" = 1 ]; then
    mkdir -p "$1/profiles"
    BACKEND_NODE_FLAGS=(--cpu-prof --cpu-prof-dir "$1/profiles")
  fi
}

# wait_portal_backend PORT LOG [SECONDS]: waits until the backend answers its readiness check
# (default 180 s); dies with the log's tail when it exits or does not get ready in time.
wait_portal_backend() {
  local port="$1" log="$2" seconds="${3:-180}" started=$SECONDS
  until curl -fsS "http://127.0.0.1:$port/.backstage/health/v1/readiness" >/dev/null 2>&1; do
    if ! kill -0 "$BACKEND_PID" 2>/dev/null; then
      tail -n 30 "$log" >&2
      die "the backend stopped while starting" "read $log"
    fi
    ((SECONDS - started < seconds)) || die "the backend was not ready within $seconds s" "read $log"
    sleep 0.5
  done
}

# stop_portal_backend: SIGTERM (Backstage shuts down cleanly and a CPU profile gets written),
# then SIGKILL after 10 s.
stop_portal_backend() {
  [ -n "${BACKEND_PID:-}" ] || return 0
  if kill -0 "$BACKEND_PID" 2>/dev/null; then
    kill "$BACKEND_PID" 2>/dev/null
    for _ in $(seq 1 20); do kill -0 "$BACKEND_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$BACKEND_PID" 2>/dev/null || true
  fi
}

# write_bench_backend_config FILE PORT PG_HOST PG_PORT DATABASE TOKEN: the configuration of the
# benchmarks' backend: the llm-ops plugin on DATABASE and every other plugin on databases prefixed
# DATABASE_ (catalog, scaffolder, ...: never the databases tests or a running portal use), a static
# token, no demo data, and the catalog's llm-ops entity provider on a manual trigger: it would
# otherwise mirror the 11,000 assets into the catalog, in the process under test and during the
# measurements (a full sync 5 s after start, then a poll every 5 s). The provider's own benchmark
# is plugins/catalog-backend-module-llm-ops/bench/run.sh.
write_bench_backend_config() {
  local file="$1" port="$2" pg_host="$3" pg_port="$4" database="$5" token="$6"
  cat >"$file" <<YAML
backend:
  baseUrl: http://127.0.0.1:$port
  listen:
    port: $port
    host: 127.0.0.1
  database:
    client: pg
    connection:
      host: $pg_host
      port: $pg_port
      user: postgres
    prefix: ${database}_
    plugin:
      llm-ops:
        connection:
          database: $database
  auth:
    externalAccess:
      - type: static
        options:
          token: $token
          subject: bench
catalog:
  locations: []
  providers:
    llmOps:
      schedule:
        frequency: { trigger: manual }
        timeout: { minutes: 10 }
      deltaFrequency: false
llmOps:
  # The bench database holds the benchmark's data set only.
  demoData:
    enabled: false
YAML
}
