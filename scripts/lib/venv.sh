# shellcheck shell=bash
# A Python venv built from a pinned requirements file, for the scripts that run a Python tool (MLflow, olah,
# Ray, DVC) in .tools. Sourced after common.sh, never executed.

# The Python that builds the venvs: python3 on the PATH unless LLM_OPS_PYTHON points at another one.
VENV_PYTHON="${LLM_OPS_PYTHON:-python3}"

# venv_stamp FILE...: what a venv built from FILE... records: the sha256 of the files, concatenated in that
# order, and the Python version. A venv whose stamp differs is out of date.
venv_stamp() {
  echo "$(cat "$@" | sha256sum | cut -d' ' -f1) $("$VENV_PYTHON" -c 'import sys; print(sys.version.split()[0])')"
}

# ensure_venv_from [--python-min VERSION] [--verify COMMAND] NAME VENV PROGRAM MESSAGE REQUIREMENTS [HASHED...]
# Makes VENV hold what REQUIREMENTS pins (pip install -r), unless it already does.
#   NAME          names the steps and their logs: .tools/logs/NAME-venv.log and NAME-pip-install.log
#   PROGRAM       the executable in VENV/bin that a finished install has
#   MESSAGE       the line logged while it installs (what goes where, and how long a cold install takes)
#   HASHED...     more files whose change means a rebuild, e.g. the file that REQUIREMENTS includes with -r
#   --python-min  the oldest Python the tool runs on, for the hint when there is no Python (default 3.10)
#   --verify      a command (e.g. a function of the caller's) that checks the fresh install; it runs before the
#                 stamp is written, so a venv that fails it is rebuilt next time
# The venv is rebuilt when the pinned requirements or the Python that made it change (see venv_stamp); the stamp
# is written only after a successful install, so an interrupted install is retried on the next run.
ensure_venv_from() {
  local python_min=3.10 verify=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --python-min) python_min="$2"; shift 2 ;;
      --verify) verify="$2"; shift 2 ;;
      *) break ;;
    esac
  done
  local name="$1" venv="$2" program="$3" message="$4" requirements="$5"
  local stamp="$venv/.requirements.sha256" want
  need_cmd "$VENV_PYTHON" "install Python $python_min or newer, or point LLM_OPS_PYTHON at one"
  want="$(venv_stamp "${@:5}")"
  if [ -x "$venv/bin/$program" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  log "$message"
  rm -rf "$venv"
  run_step "$name-venv" "check that '$VENV_PYTHON -m venv' works (Debian: apt-get install python3-venv)" \
    "$VENV_PYTHON" -m venv "$venv"
  # The hint speaks of one version when the file pins one package (a file that pins its tool alone), of
  # versions when it pins several (or includes another file).
  local pins versions="a version that exists"
  pins="$(grep -cvE '^[[:space:]]*(#|$)' "$requirements" || true)"
  if [ "${pins:-0}" -gt 1 ]; then versions="versions that exist"; fi
  run_step "$name-pip-install" \
    "check that PyPI is reachable (pip config list) and that $requirements names $versions" \
    "$venv/bin/pip" install --disable-pip-version-check --no-input -r "$requirements"
  if [ -n "$verify" ]; then "$verify"; fi
  echo "$want" >"$stamp"
}
