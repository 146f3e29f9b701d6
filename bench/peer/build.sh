#!/usr/bin/env bash
# Builds the Go reference peer (the seed article's design, docs/benchmark.md "The reference peer")
# into dist/bench/peer/seed-peer. Without Go on PATH the peer is skipped: the benchmark then runs
# without it.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v go >/dev/null 2>&1; then
  echo "bench/peer: go not found on PATH; the reference peer is skipped" >&2
  exit 0
fi

mkdir -p dist/bench/peer
cd bench/peer
GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod" go build -trimpath -o ../../dist/bench/peer/seed-peer .
echo "bench/peer: built dist/bench/peer/seed-peer ($(go version | cut -d' ' -f3))" >&2
