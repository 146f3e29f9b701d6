#!/usr/bin/env bash
# The one command that runs the whole system: `npm start`.
#
# Starts the local Kafka and etcd (scripts/stack.sh) unless KAFKA_BROKERS / ETCD_ENDPOINTS point
# elsewhere, then builds and serves ops and chain1..3 through Nx (`nx run-many -t serve`).
# Ctrl-C stops the services with SIGTERM, as an orchestrator would; the stack keeps running
# (`npm run stack -- stop` stops it).
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/node.sh # Node 24, installed into .tools/node if the machine's is older
ensure_node_modules
bash scripts/stack.sh start
# On a terminal, one coloured line per event (pino-pretty) rather than JSON lines; LOG_FORMAT=json keeps JSON.
[[ -t 1 ]] && export LOG_FORMAT="${LOG_FORMAT:-pretty}"
echo "ops will answer on http://127.0.0.1:${OPS_HTTP_PORT:-8080} (try: curl -s localhost:${OPS_HTTP_PORT:-8080}/readyz; the console: http://127.0.0.1:${OPS_HTTP_PORT:-8080}/console)"
# Pretty lines carry their service already; JSON lines carry it as a field, and nx prefixes them too.
style=stream
[[ ${LOG_FORMAT:-json} == pretty ]] && style=stream-without-prefixes

# Nx runs in a session of its own, so a Ctrl-C at the terminal reaches this script alone: it then
# stops the services the way an orchestrator would (SIGTERM: chains drain and deregister, ops
# finishes what it holds), shows their last lines, and only then ends Nx.
setsid node_modules/.bin/nx run-many -t serve --projects=ops,chain1,chain2,chain3 --parallel=4 --outputStyle="$style" &
nx=$!
stop() {
  trap - INT TERM
  echo
  echo "stopping the services (SIGTERM) …"
  pkill -TERM -s "$nx" -f '@nx/js/dist/src/executors/node/node-with-require-overrides' || true
  local grace_ms=${SHUTDOWN_GRACE_MS:-15000}
  for ((waited = 0; waited < grace_ms + 2000; waited += 200)); do
    pgrep -s "$nx" -f '@nx/js/dist/src/executors/node/node-with-require-overrides' >/dev/null || break
    sleep 0.2
  done
  kill -TERM -- "-$nx" 2>/dev/null || true
  wait "$nx" 2>/dev/null || true
  echo "services stopped; Kafka and etcd keep running (npm run stack -- stop stops them)"
  exit 0
}
trap stop INT TERM
wait "$nx"
