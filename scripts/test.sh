#!/usr/bin/env bash
# The one command that runs every test: `npm test`.
#
#   1. starts the local Kafka and etcd (scripts/stack.sh) unless KAFKA_BROKERS / ETCD_ENDPOINTS
#      point elsewhere or they already run; what this script started, it stops at the end;
#   2. lint, typecheck, unit tests and the esbuild bundles of every project (Nx);
#   3. the integration tests: the bundles against the real Kafka and etcd;
#   4. the fault-injection suite: processes, Kafka and etcd killed, paused and restarted.
#
# `scripts/test.sh integration` or `scripts/test.sh faults` runs only that stage (and the builds).
# Exits non-zero on any failure and ends with one line: "N passed, N failed".
# KEEP_STACK=1 leaves a stack this script started running afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

stack_was_up=yes
bash scripts/stack.sh status >/dev/null 2>&1 || stack_was_up=no

rm -rf tmp/test-results
finish() {
  local rc=$?
  if [[ $stack_was_up == no && ${KEEP_STACK:-0} != 1 ]]; then
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

bash scripts/stack.sh start

nx() { npx nx "$@" --outputStyle=static --skip-nx-cache; }

stage="${1:-all}"
case "$stage" in all | integration | faults) ;; *) echo "usage: $0 [all|integration|faults]" >&2; exit 2 ;; esac

if [[ $stage == all ]]; then
  echo "== lint, typecheck, unit tests, build"
  nx run-many -t lint typecheck test build --exclude=integration
fi
if [[ $stage == all || $stage == integration ]]; then
  echo "== integration tests (real Kafka and etcd)"
  nx run integration:test
fi
if [[ $stage == all || $stage == faults ]]; then
  echo "== fault-injection suite (kills, pauses and restarts of the real processes)"
  nx run integration:faults
fi
