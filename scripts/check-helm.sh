#!/usr/bin/env bash
# -----------------------------------------------------------------------------
# scripts/check-helm.sh — checks the Helm chart deploy/helm/gateway without a cluster
# (docs/kubernetes.md, "Checked without a cluster").
#
#   bash scripts/check-helm.sh
#
# Tools, installed once into .tools/ (git-ignored) and reused while their version matches:
#   helm     built from the Go module proxy: `go install helm.sh/helm/v3/cmd/helm@v3.21.4`
#            (helm.sh/helm/v4/cmd/helm@v4.3.2 if that fails) into .tools/bin
#   kubernetes-validate 1.37.0 from PyPI, in the venv .tools/helm-check-venv; it ships the
#            Kubernetes JSON schemas. It runs with its sockets disabled: a schema it would fetch
#            is an error, not a download.
# Then:
#   lint       `helm lint --strict` on values.yaml, values-production.yaml and ci/*-values.yaml
#   validate   `helm template` of each, every manifest validated against the Kubernetes schemas
#              of K8S_VERSIONS (strict: an unknown field is an error; a kind without a schema is
#              an error), then the chart's rules (non-root 65532, read-only root, no privilege
#              escalation, capabilities dropped, RuntimeDefault seccomp, probes, resources,
#              terminationGracePeriodSeconds above SHUTDOWN_GRACE_MS, secret files mounted,
#              ops pods <= TOPIC_PARTITIONS rollouts included, PDB when more than one pod,
#              Services and HPAs pointing at a Deployment)
#   negative   broken on purpose, each of which must FAIL: a chart copy with a typo'd field
#              (terminationGracePeriodSecond), a Deployment without its selector, an unknown
#              kind, ops.replicas or the HPA's maxReplicas above topicPartitions, a surge with no
#              spare partition, a terminationGracePeriodSeconds below the drain, an unknown value
#              (values.schema.json), a Kafka setting the protocol does not use, a writable root
#              filesystem (the rules). A broken input that passes fails the script.
# Ends with "check-helm: N passed, N failed"; exit 1 when anything failed.
# -----------------------------------------------------------------------------
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CHART=deploy/helm/gateway
TOOLS="$ROOT/.tools"
HELM="$TOOLS/bin/helm"
HELM_MODULES=("helm.sh/helm/v3@v3.21.4" "helm.sh/helm/v4@v4.3.2")
KV_VERSION=1.37.0
VENV="$TOOLS/helm-check-venv"
# The Kubernetes versions the manifests are validated against: the oldest the chart is
# documented for with every field it uses (preStop sleep: 1.30+), and a current one.
K8S_VERSIONS=(1.31.0 1.37.0)

case "${1:-}" in
  -h | --help)
    sed -n '2,29p' "$0"
    exit 0
    ;;
  "") ;;
  *)
    echo "check-helm: unknown argument '$1'" >&2
    exit 2
    ;;
esac

SCRATCH="$(mktemp -d /tmp/check-helm.XXXXXX)"
trap 'rm -rf "$SCRATCH"' EXIT
# Helm reads and writes nothing of the user's: its homes are the scratch folder.
export HELM_CACHE_HOME="$SCRATCH/helm/cache" HELM_CONFIG_HOME="$SCRATCH/helm/config" HELM_DATA_HOME="$SCRATCH/helm/data"

PASSED=0
FAILED=0
# One result line: $1 is ok or FAILED, the rest says what.
result() {
  if [[ $1 == ok ]]; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); fi
  printf '  %-7s %s\n' "$1" "${*:2}"
}
pass() { result ok "$@"; }
fail() { result FAILED "$@"; }
section() { printf '\n== %s\n' "$*"; }
# The last lines of a log, indented, after a failure.
show() { sed -e 's/^/          | /' "$1" | tail -n "${2:-15}"; }

# --- tools -------------------------------------------------------------------------------------
section "tools"
mkdir -p "$TOOLS/bin"

# The module version a go-installed binary was built from ("" when none).
built_from() { go version -m "$1" 2>/dev/null | awk '$1 == "mod" && $2 ~ /^helm\.sh\/helm\/v[0-9]+$/ { print $2 "@" $3; exit }'; }

have_helm=""
if [[ -x $HELM ]]; then
  have_helm="$(built_from "$HELM")"
  for module in "${HELM_MODULES[@]}"; do
    [[ $have_helm == "$module" ]] && break
    [[ $module == "${HELM_MODULES[-1]}" ]] && have_helm=""
  done
fi
if [[ -n $have_helm ]]; then
  echo "helm: $have_helm already in .tools/bin (cached)"
else
  command -v go >/dev/null || {
    echo "check-helm: go is needed to build helm (go install from the Go module proxy)" >&2
    exit 1
  }
  for module in "${HELM_MODULES[@]}"; do
    package="${module%@*}/cmd/helm@${module#*@}"
    echo "helm: go install $package (a few minutes the first time) ..."
    started=$SECONDS
    # GOTOOLCHAIN=local: never fetch another Go toolchain; CGO off: a static binary.
    if GOBIN="$TOOLS/bin" GOTOOLCHAIN=local CGO_ENABLED=0 go install "$package" >"$SCRATCH/go-install.log" 2>&1; then
      have_helm="$(built_from "$HELM")"
      echo "helm: built $have_helm in $((SECONDS - started)) s"
      break
    fi
    echo "helm: go install $package failed:"
    show "$SCRATCH/go-install.log" 10
  done
  [[ -n $have_helm ]] || {
    echo "check-helm: could not build helm" >&2
    exit 1
  }
fi
"$HELM" version --short 2>/dev/null | sed 's/^/helm: version /' || true

kv_installed() { [[ -x $VENV/bin/python ]] && "$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("kubernetes-validate"))' 2>/dev/null; }
if [[ "$(kv_installed || true)" == "$KV_VERSION" ]]; then
  echo "kubernetes-validate: $KV_VERSION already in .tools/helm-check-venv (cached)"
else
  echo "kubernetes-validate: pip install kubernetes-validate==$KV_VERSION into .tools/helm-check-venv ..."
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  if ! "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "kubernetes-validate==$KV_VERSION" >"$SCRATCH/pip.log" 2>&1; then
    show "$SCRATCH/pip.log"
    echo "check-helm: could not install kubernetes-validate" >&2
    exit 1
  fi
  echo "kubernetes-validate: $(kv_installed) installed"
fi

# The validator: kubernetes-validate's schemas (strict), then the chart's rules. Sockets are
# disabled before anything is imported, so the check is offline by construction.
cat >"$SCRATCH/validate.py" <<'PY'
import socket, sys

def _offline(*_args, **_kwargs):
    raise OSError("check-helm: network access is disabled during validation")
socket.socket.connect = _offline
socket.socket.connect_ex = _offline
socket.create_connection = _offline
socket.getaddrinfo = _offline

import argparse, collections, json
import yaml
import kubernetes_validate.utils as kv

parser = argparse.ArgumentParser()
parser.add_argument("--k8s", action="append", required=True)
parser.add_argument("--rules", action="store_true")
parser.add_argument("--drop", default="", help="a key path to delete from the first Deployment (for the negative check)")
parser.add_argument("file")
args = parser.parse_args()

with open(args.file) as f:
    docs = [d for d in yaml.safe_load_all(f) if d]
if args.drop:
    path = args.drop.split(".")
    for doc in docs:
        if doc.get("kind") == "Deployment":
            node = doc
            for key in path[:-1]:
                node = node[key]
            del node[path[-1]]
            break

problems = []
kinds = collections.Counter()
for doc in docs:
    name = f'{doc.get("kind")}/{(doc.get("metadata") or {}).get("name")}'
    ok = True
    for version in args.k8s:
        try:
            kv.validate(doc, version, strict=True)
        except kv.ValidationError as e:
            where = ".".join(str(p) for p in e.path) or "(top)"
            problems.append(f"{name} (Kubernetes {version}): {where}: {e.message}")
            ok = False
        except Exception as e:  # no schema for the kind, unsupported version, a schema it would fetch
            problems.append(f"{name} (Kubernetes {version}): {type(e).__name__}: {getattr(e, 'message', e)}")
            ok = False
    if ok:
        kinds[doc.get("kind")] += 1

def rules():
    deployments = {d["metadata"]["name"]: d for d in docs if d.get("kind") == "Deployment"}
    hpas = {d["spec"]["scaleTargetRef"]["name"]: d for d in docs if d.get("kind") == "HorizontalPodAutoscaler"}
    pdbs = [d for d in docs if d.get("kind") == "PodDisruptionBudget"]
    for hpa_target in hpas:
        if hpa_target not in deployments:
            yield f"HorizontalPodAutoscaler targets {hpa_target}, which is no Deployment here"
    for name, d in deployments.items():
        spec = d["spec"]
        pod = spec["template"]["spec"]
        labels = spec["template"]["metadata"].get("labels", {})
        if any(labels.get(k) != v for k, v in spec["selector"]["matchLabels"].items()):
            yield f"{name}: the selector does not match the pod's labels"
        psc = pod.get("securityContext", {})
        if psc.get("runAsNonRoot") is not True or not psc.get("runAsUser"):
            yield f"{name}: the pod must run as a non-root user (runAsNonRoot, runAsUser)"
        if psc.get("runAsUser") != 65532:
            yield f"{name}: runAsUser {psc.get('runAsUser')} is not the image's user 65532"
        if (psc.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
            yield f"{name}: the pod's seccompProfile must be RuntimeDefault"
        if pod.get("automountServiceAccountToken") is not False:
            yield f"{name}: the service account token must not be mounted"
        mounts_by_volume = {v["name"]: v for v in pod.get("volumes", [])}
        (container,) = pod["containers"]
        sc = container.get("securityContext", {})
        if sc.get("readOnlyRootFilesystem") is not True:
            yield f"{name}: readOnlyRootFilesystem must be true"
        if sc.get("allowPrivilegeEscalation") is not False:
            yield f"{name}: allowPrivilegeEscalation must be false"
        if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
            yield f"{name}: capabilities must drop ALL"
        if sc.get("runAsUser", 65532) == 0:
            yield f"{name}: the container runs as root"
        res = container.get("resources") or {}
        for part in ("requests", "limits"):
            for what in ("cpu", "memory"):
                if what not in (res.get(part) or {}):
                    yield f"{name}: resources.{part}.{what} is missing"
        for probe, path in (("startupProbe", "/healthz"), ("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
            got = ((container.get(probe) or {}).get("httpGet") or {}).get("path")
            if got != path:
                yield f"{name}: {probe} must GET {path} (has {got})"
        env = {e["name"]: e.get("value") for e in container.get("env", [])}
        grace_ms = int(env.get("SHUTDOWN_GRACE_MS", "15000"))
        pre_stop = (((container.get("lifecycle") or {}).get("preStop") or {}).get("sleep") or {}).get("seconds", 0)
        tgps = pod.get("terminationGracePeriodSeconds", 30)
        if tgps * 1000 <= grace_ms + pre_stop * 1000:
            yield f"{name}: terminationGracePeriodSeconds {tgps} does not exceed the preStop sleep ({pre_stop} s) plus SHUTDOWN_GRACE_MS {grace_ms}"
        mounts = [m["mountPath"].rstrip("/") + "/" for m in container.get("volumeMounts", [])]
        if "/tmp/" not in mounts:
            yield f"{name}: /tmp must be a volume (the root filesystem is read-only)"
        for var, value in env.items():
            if var.endswith("_FILE") and not any((value or "").startswith(m) for m in mounts):
                yield f"{name}: {var}={value} is on no mounted volume"
        # Each ops pod claims one partition of ops.resp: never more pods than partitions, rollouts included.
        if labels.get("app.kubernetes.io/component") == "ops":
            partitions = int(env["TOPIC_PARTITIONS"])
            most = hpas[name]["spec"]["maxReplicas"] if name in hpas else spec.get("replicas", 1)
            surge = ((spec.get("strategy") or {}).get("rollingUpdate") or {}).get("maxSurge", "25%")
            if not isinstance(surge, int):
                yield f"{name}: ops' maxSurge must be an integer (is {surge!r})"
            elif most + surge > partitions:
                yield f"{name}: up to {most} ops pods plus a surge of {surge} exceed TOPIC_PARTITIONS={partitions}"
        least = hpas[name]["spec"].get("minReplicas", 1) if name in hpas else spec.get("replicas", 1)
        covered = any(all(labels.get(k) == v for k, v in p["spec"]["selector"]["matchLabels"].items()) for p in pdbs)
        if least > 1 and not covered:
            yield f"{name}: {least} pods and no PodDisruptionBudget"
    for svc in (d for d in docs if d.get("kind") == "Service"):
        sel = svc["spec"].get("selector") or {}
        targets = [n for n, d in deployments.items() if all(d["spec"]["template"]["metadata"]["labels"].get(k) == v for k, v in sel.items())]
        if not sel or not targets:
            yield f"Service/{svc['metadata']['name']}: its selector matches no Deployment"
        for port in svc["spec"]["ports"]:
            names = {p.get("name") for d in targets for p in deployments[d]["spec"]["template"]["spec"]["containers"][0].get("ports", [])}
            if isinstance(port.get("targetPort"), str) and port["targetPort"] not in names:
                yield f"Service/{svc['metadata']['name']}: targetPort {port['targetPort']} is no container port"

if args.rules and not problems:
    problems.extend(rules())

summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
print(f"{len(docs)} manifests; validated: {summary or 'none'}")
for p in problems:
    print(f"problem: {p}")
sys.exit(1 if problems or not docs else 0)
PY
validate() { "$VENV/bin/python" "$SCRATCH/validate.py" "${K8S_VERSIONS[@]/#/--k8s=}" "$@"; }
KUBE_VERSION="v${K8S_VERSIONS[0]}"
echo "validating against Kubernetes ${K8S_VERSIONS[*]} (kubernetes-validate $KV_VERSION, strict, offline); helm renders for $KUBE_VERSION"

# --- lint and validate -------------------------------------------------------------------------
VALUE_SETS=(default "values-production.yaml" ci/chain4-values.yaml)
values_args() { [[ $1 == default ]] && return 0 || printf -- '-f\n%s\n' "$CHART/$1"; }

section "helm lint --strict"
for set in "${VALUE_SETS[@]}"; do
  mapfile -t vargs < <(values_args "$set")
  if "$HELM" lint --strict "$CHART" "${vargs[@]}" --kube-version "$KUBE_VERSION" >"$SCRATCH/lint.log" 2>&1; then
    pass "lint $set"
  else
    fail "lint $set"
    show "$SCRATCH/lint.log"
  fi
done

section "helm template + kubernetes-validate + rules"
render() { "$HELM" template gateway "$CHART" --namespace gateway --kube-version "$KUBE_VERSION" "$@"; }
for set in "${VALUE_SETS[@]}" "default, ops.replicas=topicPartitions"; do
  out="$SCRATCH/render-${set//[^a-z0-9]/_}.yaml"
  if [[ $set == default,* ]]; then
    vargs=(--set ops.replicas=3)
  else
    mapfile -t vargs < <(values_args "$set")
  fi
  if ! render "${vargs[@]}" >"$out" 2>"$SCRATCH/template.log"; then
    fail "template $set"
    show "$SCRATCH/template.log"
    continue
  fi
  if validate --rules "$out" >"$SCRATCH/validate.log" 2>&1; then
    pass "$set: $(tail -n 1 "$SCRATCH/validate.log" | sed 's/^[0-9]* manifests; validated: //')"
  else
    fail "$set"
    show "$SCRATCH/validate.log" 25
  fi
done
DEFAULT_RENDER="$SCRATCH/render-default.yaml"

# --- negative checks: each must fail ----------------------------------------------------------
section "negative checks (each broken input must be refused)"
# $1: what; $2: a pattern the refusal must contain; the rest: the command that must fail.
must_fail() {
  local what="$1" expect="$2"
  shift 2
  if "$@" >"$SCRATCH/neg.log" 2>&1; then
    fail "$what: PASSED, but must fail"
    show "$SCRATCH/neg.log" 8
  elif ! grep -qE -- "$expect" "$SCRATCH/neg.log"; then
    fail "$what: failed, but without /$expect/"
    show "$SCRATCH/neg.log" 8
  else
    pass "$what: refused ($(grep -oE -m1 -- "$expect" "$SCRATCH/neg.log" | head -n 1))"
  fi
}

# A copy of the chart with a typo'd field: helm renders it, the schema validation must refuse it.
cp -r "$CHART" "$SCRATCH/typo-chart"
sed -i 's/terminationGracePeriodSeconds:/terminationGracePeriodSecond:/' "$SCRATCH/typo-chart/templates/deployment.yaml"
if grep -q 'terminationGracePeriodSecond:' "$SCRATCH/typo-chart/templates/deployment.yaml" &&
  "$HELM" template gateway "$SCRATCH/typo-chart" --kube-version "$KUBE_VERSION" >"$SCRATCH/typo.yaml" 2>"$SCRATCH/neg.log"; then
  must_fail "typo'd field terminationGracePeriodSecond (kubernetes-validate)" "terminationGracePeriodSecond" validate "$SCRATCH/typo.yaml"
else
  fail "typo'd chart copy: could not be made or rendered"
fi
must_fail "a Deployment without spec.selector (kubernetes-validate)" "'selector' is a required property" \
  validate --drop spec.selector "$DEFAULT_RENDER"
sed 's/^kind: Deployment$/kind: Deploymnt/' "$DEFAULT_RENDER" >"$SCRATCH/kind.yaml"
must_fail "an unknown kind Deploymnt (kubernetes-validate)" "Deploymnt" validate "$SCRATCH/kind.yaml"
must_fail "ops.replicas=4 with topicPartitions=3 (helm template)" "ops.replicas=4 is more than topicPartitions=3" \
  render --set ops.replicas=4
must_fail "ops HPA maxReplicas=8 with topicPartitions=6 (helm template)" "maxReplicas=8 is more than topicPartitions=6" \
  render -f "$CHART/values-production.yaml" --set ops.autoscaling.enabled=true --set ops.autoscaling.maxReplicas=8
must_fail "ops.replicas=3, maxSurge=1, topicPartitions=3 (helm template)" "maxSurge=1 is more than topicPartitions=3" \
  render --set ops.replicas=3 --set ops.rollingUpdate.maxSurge=1
must_fail "terminationGracePeriodSeconds=15 with SHUTDOWN_GRACE_MS 15000 (helm template)" "terminationGracePeriodSeconds=15 must be more than" \
  render --set ops.terminationGracePeriodSeconds=15
must_fail "an unknown value ops.replica (values.schema.json, helm lint)" "additional properties 'replica' not allowed" \
  "$HELM" lint --strict "$CHART" --set ops.replica=2 --kube-version "$KUBE_VERSION"
must_fail "kafka.tls.caSecretName with PLAINTEXT (helm template)" "TLS is used with SSL or SASL_SSL only" \
  render --set kafka.tls.caSecretName=ca
render --set containerSecurityContext.readOnlyRootFilesystem=false >"$SCRATCH/writable.yaml"
must_fail "a writable root filesystem (the rules)" "readOnlyRootFilesystem must be true" validate --rules "$SCRATCH/writable.yaml"

echo
echo "check-helm: $PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
