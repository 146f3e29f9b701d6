#!/usr/bin/env bash
# The one command that runs the whole system: `npm start`.
#
# Starts the local Kafka and etcd (scripts/stack.sh) unless KAFKA_BROKERS / ETCD_ENDPOINTS point
# elsewhere, then builds and serves ops and chain1..3 through Nx (`nx run-many -t serve`).
# Ctrl-C stops the services; the stack keeps running (`npm run stack stop` stops it).
set -euo pipefail
cd "$(dirname "$0")/.."

[[ -d node_modules ]] || npm ci --no-audit --no-fund
bash scripts/stack.sh start
echo "ops will answer on http://127.0.0.1:${OPS_HTTP_PORT:-8080} (try: curl -s localhost:${OPS_HTTP_PORT:-8080}/readyz)"
exec npx nx run-many -t serve --projects=ops,chain1,chain2,chain3 --parallel=4 --outputStyle=stream
