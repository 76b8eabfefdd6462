#!/usr/bin/env bash
# `make test`: every check and test, against real services started here on loopback.
# Runs every stage even when one fails, then prints one summary line: "tests: N passed, N failed".
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/versions.sh"

REPORTS="$TOOLS/reports"
mkdir -p "$REPORTS"
rm -f "$REPORTS"/*.json

ensure_node
ensure_deps

# Real peers for the integration tests.
PG_URL="$("$ROOT/scripts/services/postgres.sh" start)"
REDIS_URL="$("$ROOT/scripts/services/redis.sh" start)"
export LLM_OPS_TEST_MLFLOW_URL="$("$ROOT/scripts/services/mlflow.sh" start)"
export LLM_OPS_TEST_KUBECONFIG="$("$ROOT/scripts/services/kube-apiserver.sh" start)"
export LLM_OPS_TEST_RAY_URL="$("$ROOT/scripts/services/ray.sh" start)"
# The dvc CLI (in a venv) with which the DVC module's tests build real repositories.
export LLM_OPS_TEST_DVC="$("$ROOT/scripts/services/dvc.sh" ensure)"
# olah, a Hub-compatible server, serving the git repositories the Hugging Face tests build.
export LLM_OPS_TEST_HF_URL="$("$ROOT/scripts/services/olah.sh" start)"
export LLM_OPS_TEST_HF_MIRRORS="$("$ROOT/scripts/services/olah.sh" mirrors)"
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="$PG_URL"
export BACKSTAGE_TEST_CACHE_REDIS7_CONNECTION_STRING="$REDIS_URL"
export BACKSTAGE_TEST_DISABLE_DOCKER=1
# Makes the tests fail, instead of skipping, when a real service is missing.
export LLM_OPS_REQUIRE_REAL_SERVICES=1
export CI=true

declare -a STAGE_NAMES=() STAGE_RESULTS=() STAGE_SECONDS=()
checks_passed=0
checks_failed=0

# stage NAME COMMAND...: runs one stage with its output in .tools/logs/test-NAME.log.
stage() {
  local name="$1"; shift
  local logfile="$LOGS/test-$name.log" start=$SECONDS result
  log "$name"
  if (cd "$ROOT" && "$@") >"$logfile" 2>&1; then
    result=passed; checks_passed=$((checks_passed + 1))
  else
    result=FAILED; checks_failed=$((checks_failed + 1))
    tail -n 40 "$logfile" >&2
    printf '    (full log: %s)\n' "$logfile" >&2
  fi
  STAGE_NAMES+=("$name"); STAGE_RESULTS+=("$result"); STAGE_SECONDS+=($((SECONDS - start)))
}

stage typecheck yarn tsc
stage lint yarn backstage-cli repo lint
stage prettier yarn prettier --check --loglevel warn .
stage unit-and-integration yarn backstage-cli repo test --json --outputFile="$REPORTS/jest.json"
# The API under fuzzing: no 5xx, every answer as the spec says (schemathesis, bounded examples).
stage api-fuzz bash "$ROOT/scripts/fuzz.sh"
stage e2e bash "$ROOT/scripts/e2e.sh"

# Count individual test cases from the runners' reports; every other stage counts as one check.
read -r tests_passed tests_failed < <(node -e '
  const fs = require("fs"); let p = 0, f = 0;
  for (const file of fs.readdirSync(process.argv[1]).filter(n => n.endsWith(".json"))) {
    const r = JSON.parse(fs.readFileSync(process.argv[1] + "/" + file, "utf8"));
    p += r.numPassedTests ?? 0; f += (r.numFailedTests ?? 0) + (r.numRuntimeErrorTestSuites ?? 0);
  }
  console.log(p, f);' "$REPORTS")

echo
echo "Stages:"
for i in "${!STAGE_NAMES[@]}"; do
  printf '  %-24s %-7s %4ss\n' "${STAGE_NAMES[$i]}" "${STAGE_RESULTS[$i]}" "${STAGE_SECONDS[$i]}"
done
echo "Test cases: $tests_passed passed, $tests_failed failed; checks: $checks_passed passed, $checks_failed failed"
total_passed=$((tests_passed + checks_passed))
total_failed=$((tests_failed + checks_failed))
echo "tests: $total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ] && [ "$checks_failed" -eq 0 ]
