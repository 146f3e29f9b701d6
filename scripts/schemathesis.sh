#!/usr/bin/env bash
# Prints the path of schemathesis' `st` command, installing it first when needed: a pinned version
# from PyPI into a virtual environment in .tools/schemathesis (git-ignored). Needs python3 with
# venv (Debian: python3-venv, installed here when run as root). Used by the API conformance test
# (tests/integration/src/specs/api-conformance.int.spec.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=4.32.5
dir=.tools/schemathesis
st="$dir/bin/st"
if [[ -x $st && "$("$st" --version 2>/dev/null)" == *"$VERSION"* ]]; then
  echo "$PWD/$st"
  exit 0
fi
if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "schemathesis: installing python3-venv …" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv >&2 || { apt-get update -q >&2 && apt-get install -y -q python3-venv >&2; }
  else
    echo "schemathesis: python3 with venv is needed (Debian: apt-get install python3-venv)" >&2
    exit 1
  fi
fi
echo "schemathesis: installing schemathesis $VERSION from PyPI into $dir …" >&2
rm -rf "$dir"
python3 -m venv "$dir" >&2
"$dir/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION" >&2
echo "$PWD/$st"
