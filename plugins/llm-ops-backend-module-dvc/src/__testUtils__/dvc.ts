/*
 * The tests that build real DVC repositories need the real `dvc` CLI:
 * `scripts/services/dvc.sh ensure` installs it into a venv and prints its path, which goes into
 * LLM_OPS_TEST_DVC. Without it they are skipped, unless LLM_OPS_REQUIRE_REAL_SERVICES=1 makes
 * that an error.
 */
export const dvcPath = process.env.LLM_OPS_TEST_DVC;
if (!dvcPath && process.env.LLM_OPS_REQUIRE_REAL_SERVICES === '1') {
  throw new Error(
    'The real DVC CLI is required but LLM_OPS_TEST_DVC is not set; run ' +
      '`export LLM_OPS_TEST_DVC="$(scripts/services/dvc.sh ensure)"` from the repository root first',
  );
}
export const describeWithDvc = dvcPath ? describe : describe.skip;
