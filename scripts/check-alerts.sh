#!/usr/bin/env bash
# Checks deploy/prometheus/gateway-alerts.yml offline, without a Prometheus:
#   - the file is YAML with Prometheus' rule-file shape (groups → rules with alert, expr, labels.severity,
#     annotations.summary; `for` a Prometheus duration);
#   - every expr parses as PromQL (PyPI's promql-parser, the parser of the Rust promql-parser crate);
#   - every ops_* / chain_* metric an expr names is one docs/metrics.md lists (a histogram's
#     _bucket/_sum/_count included), so a renamed metric cannot leave an alert that never fires;
#   - and the checks bite: a rule file with a broken expr and one naming an unknown metric must fail.
# Python packages go into .tools/alerts-venv (git-ignored). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
RULES="${1:-deploy/prometheus/gateway-alerts.yml}"
VENV=.tools/alerts-venv
if [[ ! -x $VENV/bin/python ]] || ! "$VENV/bin/python" -c 'import promql_parser, yaml' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check 'promql-parser==0.12.0' 'PyYAML>=6'
fi

check() { # <rules file>: exit 0 when it is good
  "$VENV/bin/python" - "$1" docs/metrics.md <<'PY'
import re, sys, yaml, promql_parser
rules_path, metrics_doc = sys.argv[1], sys.argv[2]
documented = set(re.findall(r"^\| `((?:ops|chain)_[a-z_]+)`", open(metrics_doc).read(), re.M))
known = documented | {f"{m}{s}" for m in documented for s in ("_bucket", "_sum", "_count")}
problems, count = [], 0
doc = yaml.safe_load(open(rules_path))
groups = doc.get("groups") if isinstance(doc, dict) else None
if not isinstance(groups, list) or not groups:
    problems.append("no groups")
for group in groups or []:
    for rule in group.get("rules") or []:
        count += 1
        name = rule.get("alert", "<no alert name>")
        for key in ("alert", "expr"):
            if not isinstance(rule.get(key), str):
                problems.append(f"{name}: {key} missing")
        if not (rule.get("labels") or {}).get("severity"):
            problems.append(f"{name}: labels.severity missing")
        if not (rule.get("annotations") or {}).get("summary"):
            problems.append(f"{name}: annotations.summary missing")
        if "for" in rule and not re.fullmatch(r"(\d+(ms|s|m|h|d|w|y))+", str(rule["for"])):
            problems.append(f"{name}: for {rule['for']!r} is no Prometheus duration")
        expr = rule.get("expr") or ""
        try:
            promql_parser.parse(expr)
        except Exception as error:  # the parser raises a plain exception with its message
            problems.append(f"{name}: expr does not parse: {error}")
        for metric in set(re.findall(r"\b(?:ops|chain)_[a-z_]+\b", expr)):
            if metric not in known:
                problems.append(f"{name}: {metric} is not in docs/metrics.md")
for p in problems:
    print(f"  FAIL {p}")
print(f"  {count} rules in {len(groups or [])} groups, {len(problems)} problems")
sys.exit(1 if problems else 0)
PY
}

failed=0
echo "== $RULES"
check "$RULES" || failed=1

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
sed '0,/expr: ops_ready == 0/s//expr: sum(rate(ops_ready[5m]) >/' "$RULES" >"$scratch/broken-expr.yml"
sed '0,/expr: ops_ready == 0/s//expr: ops_readiness == 0/' "$RULES" >"$scratch/unknown-metric.yml"
for broken in broken-expr unknown-metric; do
  echo "== negative check: $broken (must fail)"
  if check "$scratch/$broken.yml"; then
    echo "  FAIL: a rule file with a $broken passed"
    failed=1
  fi
done
[[ $failed == 0 ]] && echo "alert rules: ok" || echo "alert rules: FAILED"
exit "$failed"
