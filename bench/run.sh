#!/usr/bin/env bash
# `npm run bench` — builds the four services and the benchmark, then runs it.
# Every argument goes to the benchmark (e.g. `npm run bench -- --quick`; `--help` lists them).
# The benchmark itself starts (or reuses) the local stack, starts the services from their bundles,
# drives the load, measures the Kafka floor and writes bench/results/<timestamp>.{json,svg}.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/node.sh # Node 24, installed into .tools/node if the machine's is older
ensure_node_modules

npx nx run-many -t build --projects=ops,chain1,chain2,chain3,bench --outputStyle=static >&2
bash bench/peer/build.sh >&2

exec node dist/bench/main.cjs "$@"
