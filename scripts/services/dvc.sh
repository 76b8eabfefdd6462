#!/usr/bin/env bash
# The DVC CLI that the DVC module's tests build real DVC repositories with (it is a CLI, not a server).
# Usage: scripts/services/dvc.sh ensure|path
# `ensure` installs DVC if needed and prints the absolute path of the `dvc` executable as its only line on
# stdout, so `export LLM_OPS_TEST_DVC="$(scripts/services/dvc.sh ensure)"` works.
# DVC is installed into .tools/venv-dvc at the versions pinned in dvc-requirements.txt, and reinstalled only
# when that file (or the Python that made the venv) changes.
source "$(dirname "$0")/../lib/common.sh"

VENV="$TOOLS/venv-dvc"
REQUIREMENTS="$ROOT/scripts/services/dvc-requirements.txt"
STAMP="$VENV/.requirements.sha256"
DVC="$VENV/bin/dvc"
PYTHON="${LLM_OPS_PYTHON:-python3}"

# DVC reports usage to its authors unless told not to; the tests stay offline.
export DVC_NO_ANALYTICS=1 DO_NOT_TRACK=1

# The stamp is written only after a successful install, so an interrupted install is retried next time.
ensure_venv() {
  need_cmd "$PYTHON" "install Python 3.9 or newer, or point LLM_OPS_PYTHON at one"
  need_cmd git "install git: DVC repositories are git repositories (Debian: apt-get install git)"
  local want
  want="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1) $("$PYTHON" -c 'import sys; print(sys.version.split()[0])')"
  if [ -x "$DVC" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
    return 0
  fi
  log "installing DVC ($(grep -m1 '^dvc==' "$REQUIREMENTS")) into $VENV (a cold install takes about a minute)"
  rm -rf "$VENV"
  run_step dvc-venv "check that '$PYTHON -m venv' works (Debian: apt-get install python3-venv)" \
    "$PYTHON" -m venv "$VENV"
  run_step dvc-pip-install \
    "check that PyPI is reachable (pip config list) and that $REQUIREMENTS names versions that exist" \
    "$VENV/bin/pip" install --disable-pip-version-check --no-input -r "$REQUIREMENTS"
  run_step dvc-version "read the log; remove $VENV and run '$0 ensure' again" "$DVC" --version
  echo "$want" >"$STAMP"
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
