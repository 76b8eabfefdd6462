#!/usr/bin/env bash
# The DVC CLI that the DVC module's tests build real DVC repositories with (it is a CLI, not a server).
# Usage: scripts/services/dvc.sh ensure|path
# `ensure` installs DVC if needed and prints the absolute path of the `dvc` executable as its only line on
# stdout, so `export LLM_OPS_TEST_DVC="$(scripts/services/dvc.sh ensure)"` works.
# DVC is installed into .tools/venv-dvc at the versions pinned in dvc-requirements.txt, and reinstalled only
# when that file (or the Python that made the venv) changes.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/venv.sh"

VENV="$TOOLS/venv-dvc"
REQUIREMENTS="$ROOT/scripts/services/dvc-requirements.txt"
DVC="$VENV/bin/dvc"

# DVC reports usage to its authors unless told not to; the tests stay offline.
export DVC_NO_ANALYTICS=1 DO_NOT_TRACK=1

ensure_venv() {
  need_cmd git "install git: DVC repositories are git repositories (Debian: apt-get install git)"
  ensure_venv_from --python-min 3.9 --verify dvc_runs dvc "$VENV" dvc \
    "installing DVC ($(grep -m1 '^dvc==' "$REQUIREMENTS")) into $VENV (a cold install takes about a minute)" \
    "$REQUIREMENTS"
}

# A fresh install that cannot even print its version is not stamped, so the next `ensure` builds it again.
dvc_runs() {
  run_step dvc-version "read the log; remove $VENV and run '$0 ensure' again" "$DVC" --version
}

ensure() {
  mkdir -p "$TOOLS"
  # Engineers share the venv: a second `ensure` waits for the first instead of installing over it.
  exec 9>"$TOOLS/.venv-dvc.lock"
  flock 9
  ensure_venv
  exec 9>&-
}

case "${1:-ensure}" in
  ensure) ensure; echo "$DVC" ;;
  path) echo "$DVC" ;;
  *) die "unknown command '$1'" "use ensure or path" ;;
esac
