#!/usr/bin/env bash
# The one command that runs every test: `npm test`.
#
#   1. lint, typecheck, unit tests and the esbuild bundles of every project (Nx), and the
#      format check (prettier --check .);
#   2. the integration tests: the bundles against the real Kafka and etcd;
#   3. the browser tests: the operator console (/console) in Debian's chromium, driven by
#      playwright-core, against the running services (chromium is installed if it is missing);
#   4. the fault-injection suite: processes, Kafka and etcd killed, paused and restarted;
#   5. the secured-stack suite: the main and the negative scenarios on Kafka with SASL_SSL and etcd
#      with TLS and auth (scripts/stack.sh start --secure adds them to the local stack);
#   6. the cluster suite: brokers and etcd members killed, paused and restarted under load on three
#      brokers and three etcd members (scripts/stack.sh start --cluster, beside the plain stack).
#
# Stages 2, 4 and 5 run once per Kafka client the services can use (KAFKA_CLIENT): @platformatic/kafka
# (the default), then kafkajs. TEST_KAFKA_CLIENTS="platformatic" (or "kafkajs") runs one of them.
# Stages 3 and 6 run once, on the first of those clients.
#
# Kafka and etcd: when a Docker engine answers and neither KAFKA_BROKERS nor ETCD_ENDPOINTS is
# set, the integration tests start their own in containers (testcontainers, in their global
# setup) and no local stack is started for stages 1-2; otherwise the local stack
# (scripts/stack.sh), started here unless KAFKA_BROKERS / ETCD_ENDPOINTS point elsewhere or it
# already runs. The fault and secured suites always use the local stack. What this script
# started, it stops.
#
# `scripts/test.sh integration`, `browser`, `faults`, `secure` or `cluster` runs only that stage
# (and the builds); `npm run test:cluster` is `scripts/test.sh cluster`.
# Exits non-zero on any failure and ends with one line: "N passed, N failed".
# KEEP_STACK=1 leaves a stack this script started running afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node.sh # Node 24, installed into .tools/node if the machine's is older
ensure_node_modules    # a fresh clone needs no `npm ci` first

stack_was_up=yes
bash scripts/stack.sh status >/dev/null 2>&1 || stack_was_up=no
stack_started=no
start_stack() { [[ $stack_started == yes ]] || { stack_started=yes; bash scripts/stack.sh start; }; }

rm -rf tmp/test-results
finish() {
  local rc=$?
  if [[ $stack_was_up == no && $stack_started == yes && ${KEEP_STACK:-0} != 1 ]]; then
    bash scripts/stack.sh stop || true
  fi
  node -e '
    const fs = require("fs"), dir = "tmp/test-results";
    const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
    const t = { passed: 0, failed: 0, skipped: 0 };
    for (const f of files) { const r = JSON.parse(fs.readFileSync(`${dir}/${f}`, "utf8")); for (const k in t) t[k] += r[k]; }
    console.log(`\n${t.passed} passed, ${t.failed} failed` + (t.skipped ? `, ${t.skipped} skipped` : ""));
  ' || true
  exit "$rc"
}
trap finish EXIT

nx() { npx nx "$@" --outputStyle=static --skip-nx-cache; }

stage="${1:-all}"
case "$stage" in all | integration | browser | faults | secure | cluster) ;; *) echo "usage: $0 [all|integration|browser|faults|secure|cluster]" >&2; exit 2 ;; esac
clients="${TEST_KAFKA_CLIENTS:-platformatic kafkajs}"
first_client="${clients%% *}"
for client in $clients; do
  case "$client" in platformatic | kafkajs) ;; *) echo "TEST_KAFKA_CLIENTS: unknown client \"$client\"" >&2; exit 2 ;; esac
done

# A Docker engine, found the way testcontainers finds it (as tests/integration/src/support/
# containers.ts does), in at most 3 s.
docker_engine() {
  timeout -s KILL 3 node -e "require('testcontainers').getContainerRuntimeClient().then(() => process.exit(0), () => process.exit(1))" \
    >/dev/null 2>&1
}
if [[ $stage == cluster ]]; then
  : # the cluster stack only (below)
elif [[ $stage != faults && $stage != secure && -z ${KAFKA_BROKERS:-} && -z ${ETCD_ENDPOINTS:-} ]] && docker_engine; then
  echo "== Docker engine found: the integration tests bring Kafka and etcd up with testcontainers"
else
  start_stack
fi

if [[ $stage == all ]]; then
  echo "== format check"
  npx prettier --check .
  echo "== lint, typecheck, unit tests, build"
  nx run-many -t lint typecheck test build --exclude=integration
fi
if [[ $stage == all || $stage == integration ]]; then
  for client in $clients; do
    echo "== integration tests (real Kafka and etcd), services on KAFKA_CLIENT=$client"
    KAFKA_CLIENT=$client nx run integration:test
  done
fi
if [[ $stage == all || $stage == browser ]]; then
  # Debian's chromium (CHROMIUM names another); installed here when it is missing.
  if [[ ! -x ${CHROMIUM:-/usr/bin/chromium} ]]; then
    echo "== installing Debian's chromium for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
  echo "== operator console in a browser (chromium + playwright-core), services on KAFKA_CLIENT=$first_client"
  KAFKA_CLIENT=$first_client nx run integration:browser
fi
if [[ $stage == all || $stage == faults ]]; then
  start_stack # always the local stack
  for client in $clients; do
    echo "== fault-injection suite (kills, pauses and restarts of the real processes), services on KAFKA_CLIENT=$client"
    KAFKA_CLIENT=$client nx run integration:faults
  done
fi
if [[ $stage == all || $stage == secure ]]; then
  stack_started=yes
  bash scripts/stack.sh start --secure # the secured listeners and etcd beside the plain ones
  for client in $clients; do
    echo "== secured-stack suite (Kafka SASL_SSL + SCRAM, etcd TLS + auth + roles), services on KAFKA_CLIENT=$client"
    KAFKA_CLIENT=$client nx run integration:secure
  done
fi
if [[ $stage == all || $stage == cluster ]]; then
  # The plain stack is done with: its broker's memory and CPU go to the three of the cluster.
  if [[ $stage == all && $stack_was_up == no && $stack_started == yes && ${KEEP_STACK:-0} != 1 ]]; then
    bash scripts/stack.sh stop
    stack_started=no
  fi
  # The cluster stack runs beside the plain one (other ports); it is stopped at the end of this
  # stage unless it was up before (KEEP_STACK is about the plain stack).
  cluster_was_up=yes
  bash scripts/stack.sh status --cluster >/dev/null 2>&1 || cluster_was_up=no
  [[ $cluster_was_up == yes ]] || trap 'rc=$?; bash scripts/stack.sh stop --cluster || true; (exit $rc); finish' EXIT
  bash scripts/stack.sh start --cluster
  echo "== cluster suite (3 brokers, 3 etcd members, faults under load), services on KAFKA_CLIENT=$first_client"
  ( eval "$(bash scripts/stack.sh env --cluster)" && KAFKA_CLIENT=$first_client nx run integration:cluster )
fi
