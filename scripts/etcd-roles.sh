#!/usr/bin/env bash
# -----------------------------------------------------------------------------
# scripts/etcd-roles.sh — least-privilege etcd users and roles for the gateway
# (etcd v3 RBAC through etcdctl). Idempotent: what exists is left as it is,
# what is missing is added, and every step is printed.
#
# Usage: scripts/etcd-roles.sh [options] [service…]   (default: ops chain1 chain2 chain3)
#   --endpoints URLS        etcd client URL(s), comma-separated   [ETCD_ENDPOINTS]
#                           (default https://127.0.0.1:2479, the secured local etcd)
#   --cacert FILE           CA of the etcd server certificate     [ETCD_CA_FILE]
#   --cert FILE --key FILE  client certificate + key (mTLS)       [ETCD_CERT_FILE, ETCD_KEY_FILE]
#   --root-password-file F  password of the etcd user root        [ETCD_ROOT_PASSWORD_FILE]
#                           (default <secrets-dir>/etcd-root.password)
#   --secrets-dir DIR       where etcd-<user>.password files are read; a missing
#                           one is created (48 random hex characters, mode 600)
#                           [ETCD_SECRETS_DIR] (default <repo>/.stack/secure/secrets)
#   --prefix P              discovery prefix (default /services/)        [DISCOVERY_PREFIX]
#   --reply-prefix P        reply-partition prefix (default /reply-partitions/)
#   --name-prefix S         prepended to every user and role name, e.g. it-abc-
#   --name-suffix S         appended to every user and role name
#   --ops NAME              which service gets the ops layout (default ops)
#   --no-enable             do not turn authentication on (and do not create root)
#   --remove                delete the users and roles of the layout instead (e.g. a
#                           test's it-abc-* users at its end); root and keys stay
#   --allow-http            allow a plain http:// endpoint (refused by default, so a
#                           stray ETCD_ENDPOINTS never locks the plain stack)
#
# The layout (P = --prefix, R = --reply-prefix, <n> = prefix + service + suffix):
#   user root   role root (etcd's built-in superuser; needed for `auth enable`)
#   role <ops>  read P (prefix), readwrite P<ops>/ (prefix), readwrite R (prefix)
#   role <svc>  readwrite P<svc>/ (prefix), for every other service
#   user <n>    role <n>, password from <secrets-dir>/etcd-<n>.password
# etcd grants a prefix permission as the range [key, key+1): "/services/" covers
# "/services/..." and nothing else. Keys use the plain service name, so tests can
# create isolated users (--name-prefix it-abc-) for their own prefix
# (--prefix /it-abc/services/ --reply-prefix /it-abc/reply-partitions/).
#
# Passwords reach etcdctl through ETCDCTL_USER/ETCDCTL_PASSWORD and stdin, never argv.
# -----------------------------------------------------------------------------
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

ENDPOINTS=${ETCD_ENDPOINTS:-https://127.0.0.1:2479}
CACERT=${ETCD_CA_FILE:-}
CERT=${ETCD_CERT_FILE:-}
KEY=${ETCD_KEY_FILE:-}
SECRETS_DIR=${ETCD_SECRETS_DIR:-$REPO_ROOT/.stack/secure/secrets}
ROOT_PW_FILE=${ETCD_ROOT_PASSWORD_FILE:-}
PREFIX=${DISCOVERY_PREFIX:-/services/}
REPLY_PREFIX=/reply-partitions/
NAME_PREFIX=""
NAME_SUFFIX=""
OPS=ops
ENABLE=1
REMOVE=0
ALLOW_HTTP=0
SERVICES=()

die() { printf 'etcd-roles: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '/^# Usage:/,/^# Passwords/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

while (($#)); do
  case $1 in
    --endpoints)          ENDPOINTS=${2:?}; shift 2 ;;
    --cacert)             CACERT=${2:?}; shift 2 ;;
    --cert)               CERT=${2:?}; shift 2 ;;
    --key)                KEY=${2:?}; shift 2 ;;
    --root-password-file) ROOT_PW_FILE=${2:?}; shift 2 ;;
    --secrets-dir)        SECRETS_DIR=${2:?}; shift 2 ;;
    --prefix)             PREFIX=${2:?}; shift 2 ;;
    --reply-prefix)       REPLY_PREFIX=${2:?}; shift 2 ;;
    --name-prefix)        NAME_PREFIX=${2?}; shift 2 ;;
    --name-suffix)        NAME_SUFFIX=${2?}; shift 2 ;;
    --ops)                OPS=${2:?}; shift 2 ;;
    --no-enable)          ENABLE=0; shift ;;
    --remove)             REMOVE=1; shift ;;
    --allow-http)         ALLOW_HTTP=1; shift ;;
    -h|--help)            usage; exit 0 ;;
    -*)                   usage >&2; exit 2 ;;
    *)                    SERVICES+=("$1"); shift ;;
  esac
done
((${#SERVICES[@]})) || SERVICES=(ops chain1 chain2 chain3)
ROOT_PW_FILE=${ROOT_PW_FILE:-$SECRETS_DIR/etcd-root.password}

command -v etcdctl >/dev/null || die "etcdctl not found (apt-get install etcd-client)"
[[ $PREFIX == /*/ && $REPLY_PREFIX == /*/ ]] || die "prefixes must start and end with '/' (got '$PREFIX', '$REPLY_PREFIX')"
if [[ ,$ENDPOINTS == *,http://* ]] && ((!ALLOW_HTTP)); then
  die "refusing a plain http:// endpoint ($ENDPOINTS); pass --allow-http if you mean it"
fi
for f in "$CACERT" "$CERT" "$KEY"; do [[ -z $f || -r $f ]] || die "cannot read $f"; done
[[ -s $ROOT_PW_FILE ]] || die "root password file missing or empty: $ROOT_PW_FILE"
ROOT_PW="$(<"$ROOT_PW_FILE")"

# etcdctl with our endpoint and TLS; credentials only through the environment.
TLS=()
[[ -n $CACERT ]] && TLS+=(--cacert "$CACERT")
[[ -n $CERT ]] && TLS+=(--cert "$CERT")
[[ -n $KEY ]] && TLS+=(--key "$KEY")
ec()      { env -u ETCDCTL_USER -u ETCDCTL_PASSWORD etcdctl --endpoints "$ENDPOINTS" "${TLS[@]}" "$@"; }
ec_root() { ETCDCTL_USER=root ETCDCTL_PASSWORD="$ROOT_PW" etcdctl --endpoints "$ENDPOINTS" "${TLS[@]}" "$@"; }
ec_as()   { local u=$1 p=$2; shift 2; ETCDCTL_USER=$u ETCDCTL_PASSWORD=$p etcdctl --endpoints "$ENDPOINTS" "${TLS[@]}" "$@"; }

# ---- is authentication on? ---------------------------------------------------
# With credentials, etcd answers "authentication is not enabled" while it is off.
AUTH=""
if out="$(ec_root user get root 2>&1)"; then
  AUTH=on
elif [[ $out == *"authentication is not enabled"* ]]; then
  AUTH=off
else
  die "cannot talk to etcd at $ENDPOINTS as root: ${out//$'\n'/ }"
fi
echo "etcd-roles: $ENDPOINTS (authentication $AUTH)"
# While auth is off, anyone may administer; once it is on, only root.
admin() { if [[ $AUTH == on ]]; then ec_root "$@"; else ec "$@"; fi; }

password_of() { # <user> → the password file's content (created when missing)
  local f="$SECRETS_DIR/etcd-$1.password"
  if [[ ! -s $f ]]; then
    mkdir -p "$SECRETS_DIR"
    (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$f")
    echo "  password: created $f" >&2
  fi
  cat "$f"
}

ensure_role() { # <role>
  if admin role get "$1" >/dev/null 2>&1; then echo "  role $1: exists"
  else admin role add "$1" >/dev/null; echo "  role $1: created"; fi
}

# Is <key> (a prefix grant) listed under "KV Read:" / "KV Write:" of `role get`?
has_perm() { # <role> <Read|Write> <key>
  admin role get "$1" 2>/dev/null | awk -v sect="KV $2:" -v key="(prefix $3)" '
    /^KV (Read|Write):/ { in_sect = ($0 == sect); next }
    in_sect && index($0, key) { found = 1 }
    END { exit !found }'
}

# Grant only what is missing: every grant bumps etcd's auth revision, which makes
# the clients that are connected re-authenticate.
grant() { # <role> <read|readwrite> <prefix>
  local role=$1 type=$2 key=$3 missing=0
  has_perm "$role" Read "$key" || missing=1
  [[ $type == read ]] || has_perm "$role" Write "$key" || missing=1
  if ((missing)); then
    admin role grant-permission "$role" "$type" "$key" --prefix=true >/dev/null
    echo "  role $role: $type $key (prefix) — granted"
  else
    echo "  role $role: $type $key (prefix) — already granted"
  fi
}

# Does etcd accept <user>:<password>? (Any request authenticates first; a
# permission error still means the password was right.)
password_ok() { # <user> <password>
  local out
  out="$(ec_as "$1" "$2" get --limit=1 --keys-only "$PREFIX" 2>&1)" && return 0
  [[ $out != *"authentication failed"* ]]
}

has_role() { # <user> <role>
  admin user get "$1" 2>/dev/null |
    awk -v r="$2" '/^Roles:/ { for (i = 2; i <= NF; i++) if ($i == r) f = 1 } END { exit !f }'
}

ensure_user() { # <user> <role> <password>
  local user=$1 role=$2 pw=$3
  if ! admin user get "$user" >/dev/null 2>&1; then
    printf '%s\n' "$pw" | admin user add "$user" --interactive=false >/dev/null
    echo "  user $user: created"
  elif [[ $AUTH == on ]] && ! password_ok "$user" "$pw"; then
    # The password file changed since the user was made: etcd follows the file.
    printf '%s\n' "$pw" | admin user passwd "$user" --interactive=false >/dev/null
    echo "  user $user: exists, password updated from its file"
  else
    echo "  user $user: exists"
  fi
  if has_role "$user" "$role"; then
    echo "  user $user: has role $role"
  else
    admin user grant-role "$user" "$role" >/dev/null
    echo "  user $user: role $role granted"
  fi
}

# ---- --remove: the layout's users and roles go ----------------------------------
if ((REMOVE)); then
  for svc in "${SERVICES[@]}"; do
    name="$NAME_PREFIX$svc$NAME_SUFFIX"
    [[ $name != root ]] || die "refusing to remove root"
    if admin user get "$name" >/dev/null 2>&1; then admin user delete "$name" >/dev/null; echo "  user $name: deleted"
    else echo "  user $name: not there"; fi
    if admin role get "$name" >/dev/null 2>&1; then admin role delete "$name" >/dev/null; echo "  role $name: deleted"
    else echo "  role $name: not there"; fi
  done
  exit 0
fi

# ---- root (only while authentication is still off) ----------------------------
if [[ $AUTH == off && $ENABLE == 1 ]]; then
  ensure_user root root "$ROOT_PW"
fi

# ---- one role and one user per service -----------------------------------------
for svc in "${SERVICES[@]}"; do
  name="$NAME_PREFIX$svc$NAME_SUFFIX"
  ensure_role "$name"
  if [[ $svc == "$OPS" ]]; then
    grant "$name" read "$PREFIX"
    grant "$name" readwrite "$PREFIX$svc/"
    grant "$name" readwrite "$REPLY_PREFIX"
  else
    grant "$name" readwrite "$PREFIX$svc/"
  fi
  ensure_user "$name" "$name" "$(password_of "$name")"
done

# ---- authentication on ----------------------------------------------------------
if [[ $AUTH == off && $ENABLE == 1 ]]; then
  ec auth enable >/dev/null
  echo "  auth: enabled"
elif [[ $AUTH == on ]]; then
  echo "  auth: already enabled"
else
  echo "  auth: left off (--no-enable)"
fi
