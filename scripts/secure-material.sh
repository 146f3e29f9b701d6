#!/usr/bin/env bash
# -----------------------------------------------------------------------------
# scripts/secure-material.sh — throw-away CA, certificates and passwords for the
# secured stack (scripts/stack.sh --secure, docker-compose.secure.yml).
#
# Usage: scripts/secure-material.sh [--sans LIST] [--quiet] <dir>
#   <dir>         output folder (created, mode 700), e.g. .stack/secure
#   --sans LIST   subjectAltName of the two server certificates
#                 (default: DNS:localhost,IP:127.0.0.1); compose adds DNS:kafka,DNS:etcd
#   --quiet       print nothing when there was nothing to (re)generate
#
# Everything is created once and reused. A certificate is made again when it is
# missing, expires within a day, was not signed by the current CA, or (server
# certificates) has other SANs than asked for; a new CA re-issues every
# certificate. Passwords are never replaced once they exist (Kafka's SCRAM
# credentials and etcd's users are made from them).
#
# Files in <dir> (keys: PKCS#8 PEM, unencrypted, EC P-256, mode 600):
#   ca.pem ca-key.pem                         the CA every component trusts
#   kafka.pem kafka-key.pem kafka-keystore.pem  Kafka's server certificate; the
#                                             keystore is key + cert + CA in one
#                                             file (ssl.keystore.type=PEM)
#   etcd.pem etcd-key.pem                     etcd's server certificate
#   client.pem client-key.pem                 client certificate CN=gateway-client
#   client-<svc>.pem client-<svc>-key.pem     CN=<svc> for ops chain1 chain2 chain3
#   expired-client.pem expired-client-key.pem CN=gateway-client, signed by the CA,
#                                             already expired (negative tests)
#   untrusted-ca.pem untrusted-ca-key.pem     a second CA nobody trusts, and its
#   untrusted-client.pem untrusted-client-key.pem  client certificate (negative tests)
#   secrets/kafka-<user>.password             Kafka users ops chain1 chain2 chain3 admin
#   secrets/etcd-<user>.password              etcd users root ops chain1 chain2 chain3
#                                             (48 hex characters, no trailing newline)
# -----------------------------------------------------------------------------
set -euo pipefail

SANS="DNS:localhost,IP:127.0.0.1"
QUIET=0
DIR=""
while (($#)); do
  case $1 in
    --sans)  SANS=${2:?--sans needs a value}; shift 2 ;;
    --quiet) QUIET=1; shift ;;
    -h|--help) sed -n '/^# Usage:/,/^# Everything/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*)      echo "secure-material: unknown option $1" >&2; exit 2 ;;
    *)       DIR=$1; shift ;;
  esac
done
[[ -n $DIR ]] || { echo "secure-material: an output folder is required" >&2; exit 2; }
command -v openssl >/dev/null || { echo "secure-material: openssl not found" >&2; exit 1; }

SERVICES=(ops chain1 chain2 chain3)
KAFKA_USERS=(ops chain1 chain2 chain3 admin)
ETCD_USERS=(root ops chain1 chain2 chain3)
CA_DAYS=825      # the CAs
LEAF_DAYS=365    # every other certificate
MIN_LEFT=86400   # regenerate what expires within this many seconds

umask 077
mkdir -p "$DIR/secrets"
chmod 700 "$DIR" "$DIR/secrets"
cd "$DIR"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

MADE=()
made() { MADE+=("$1"); }

# A fresh EC P-256 key; openssl genpkey writes PKCS#8 PEM ("BEGIN PRIVATE KEY").
new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; chmod 600 "$1"; }

# Is <cert> present, valid for at least a day and (if <ca> given) signed by <ca>?
cert_ok() { # <cert> [ca]
  [[ -s $1 ]] || return 1
  openssl x509 -in "$1" -noout -checkend "$MIN_LEFT" >/dev/null 2>&1 || return 1
  [[ -z ${2:-} ]] || openssl verify -CAfile "$2" "$1" >/dev/null 2>&1
}

# A self-signed CA: <name>.pem / <name>-key.pem.
make_ca() { # <name> <CN>
  new_key "$1-key.pem"
  openssl req -x509 -new -key "$1-key.pem" -subj "/CN=$2" -days "$CA_DAYS" -sha256 \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -out "$1.pem" 2>/dev/null
  chmod 644 "$1.pem"
  made "$1.pem ($2)"
}

# A certificate signed by a CA: <out>.pem / <out>-key.pem.
make_leaf() { # <ca-name> <out> <CN> <server|client> [days]
  local ca=$1 out=$2 cn=$3 kind=$4 days=${5:-$LEAF_DAYS} ext="$TMP/$2.ext"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [[ $kind == server ]]; then
      echo "extendedKeyUsage=serverAuth"
      echo "subjectAltName=$SANS"
    else
      echo "extendedKeyUsage=clientAuth"
    fi
  } >"$ext"
  new_key "$out-key.pem"
  openssl req -new -key "$out-key.pem" -subj "/CN=$cn" -out "$TMP/$out.csr" 2>/dev/null
  openssl x509 -req -in "$TMP/$out.csr" -CA "$ca.pem" -CAkey "$ca-key.pem" -CAcreateserial \
    -CAserial "$TMP/$ca.srl" -days "$days" -sha256 -extfile "$ext" -out "$out.pem" 2>/dev/null
  chmod 644 "$out.pem"
  made "$out.pem (CN=$cn$([[ $kind == server ]] && echo ", $SANS"))"
}

# The SANs a server certificate was made with, as openssl prints them.
sans_of() { openssl x509 -in "$1" -noout -ext subjectAltName 2>/dev/null | tail -n +2 | tr -d ' '; }
want_sans() { tr ',' '\n' <<<"$SANS" | sed 's/^IP:/IPAddress:/' | paste -sd, -; }

# ---- our CA and what it signs -----------------------------------------------
renew=0
if ! cert_ok ca.pem || [[ ! -s ca-key.pem ]]; then make_ca ca "kafka-gateway local CA"; renew=1; fi

for server in kafka etcd; do
  if ((renew)) || ! cert_ok "$server.pem" ca.pem || [[ ! -s $server-key.pem ]] ||
     [[ "$(sans_of "$server.pem")" != "$(want_sans)" ]]; then
    make_leaf ca "$server" "$server" server
  fi
done
# Kafka reads key + certificate chain from one PEM file (ssl.keystore.type=PEM).
cat kafka-key.pem kafka.pem ca.pem >"$TMP/keystore" && mv -f "$TMP/keystore" kafka-keystore.pem
chmod 600 kafka-keystore.pem

if ((renew)) || ! cert_ok client.pem ca.pem || [[ ! -s client-key.pem ]]; then
  make_leaf ca client gateway-client client
fi
for svc in "${SERVICES[@]}"; do
  if ((renew)) || ! cert_ok "client-$svc.pem" ca.pem || [[ ! -s client-$svc-key.pem ]]; then
    make_leaf ca "client-$svc" "$svc" client
  fi
done
# Expired on purpose (openssl 3.0 has no -not_after; -days -1 ends before it starts).
if ((renew)) || [[ ! -s expired-client.pem || ! -s expired-client-key.pem ]] ||
   ! openssl verify -no_check_time -CAfile ca.pem expired-client.pem >/dev/null 2>&1; then
  make_leaf ca expired-client gateway-client client -1
fi

# ---- the untrusted CA (negative tests) ---------------------------------------
urenew=0
if ! cert_ok untrusted-ca.pem || [[ ! -s untrusted-ca-key.pem ]]; then make_ca untrusted-ca "untrusted test CA"; urenew=1; fi
if ((urenew)) || ! cert_ok untrusted-client.pem untrusted-ca.pem || [[ ! -s untrusted-client-key.pem ]]; then
  make_leaf untrusted-ca untrusted-client gateway-client client
fi

# ---- passwords ---------------------------------------------------------------
new_password() { # <file>
  [[ -s $1 ]] && return 0
  openssl rand -hex 24 | tr -d '\n' >"$1"
  chmod 600 "$1"
  made "$1"
}
for u in "${KAFKA_USERS[@]}"; do new_password "secrets/kafka-$u.password"; done
for u in "${ETCD_USERS[@]}"; do new_password "secrets/etcd-$u.password"; done

if ((${#MADE[@]})); then
  echo "secure material in $(pwd): made ${#MADE[@]} file(s):"
  printf '  %s\n' "${MADE[@]}"
elif ((!QUIET)); then
  echo "secure material in $(pwd): all present and valid"
fi
