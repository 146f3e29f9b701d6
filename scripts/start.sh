#!/usr/bin/env bash
# The one command that runs the whole system: `npm start`.
#
# Starts the local Kafka and etcd (scripts/stack.sh) unless KAFKA_BROKERS / ETCD_ENDPOINTS point
# elsewhere, then builds and serves ops and chain1..3 through Nx (`nx run-many -t serve`).
# Ctrl-C stops the services; the stack keeps running (`npm run stack stop` stops it).
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/node.sh # Node 24, installed into .tools/node if the machine's is older
ensure_node_modules
bash scripts/stack.sh start
# On a terminal, one coloured line per event (pino-pretty) rather than JSON lines; LOG_FORMAT=json keeps JSON.
[[ -t 1 ]] && export LOG_FORMAT="${LOG_FORMAT:-pretty}"
echo "ops will answer on http://127.0.0.1:${OPS_HTTP_PORT:-8080} (try: curl -s localhost:${OPS_HTTP_PORT:-8080}/readyz)"
# Pretty lines carry their service already; JSON lines carry it as a field, and nx prefixes them too.
style=stream
[[ ${LOG_FORMAT:-json} == pretty ]] && style=stream-without-prefixes
exec npx nx run-many -t serve --projects=ops,chain1,chain2,chain3 --parallel=4 --outputStyle="$style"
