#!/usr/bin/env bash
# -----------------------------------------------------------------------------
# docker/secure/certs.sh — the one-shot `certs` service of docker-compose.secure.yml.
#
# Makes the CA, certificates and passwords with scripts/secure-material.sh (the
# same generator as `scripts/stack.sh start --secure`), with the compose host
# names in the server certificates, into <out>/all (root only). Then hands each
# container a folder of its own with only what it needs, owned by the user that
# container runs as; compose mounts each folder read-only at /run/secure of that
# container (a volume subpath), so no service can read another one's secrets:
#
#   <out>/kafka/       uid 1000 (apache/kafka's appuser): ca.pem, kafka-keystore.pem,
#                      secrets/kafka-<user>.password of every Kafka user
#   <out>/etcd/        root: ca.pem, etcd.pem, etcd-key.pem, client.pem, client-key.pem
#                      (the last two for its healthcheck; CN gateway-client is no etcd user)
#   <out>/etcd-roles/  root: ca.pem, client.pem, client-key.pem, secrets/etcd-<user>.password
#   <out>/<service>/   uid 65532 (distroless nonroot) for ops chain1 chain2 chain3:
#                      ca.pem, client.pem + client-key.pem (CN=<service>),
#                      kafka.password, etcd.password
#   <out>/host/        ca.pem (mode 644), for clients on the host (localhost:9094)
#
# Environment: SECURE_OUT (default /secure), SECURE_MATERIAL (the generator,
# default /opt/gateway/scripts/secure-material.sh), SECURE_SANS, KAFKA_UID (1000),
# SERVICE_UID (65532), SECURE_CHOWN=0 to leave ownership alone (a dry run as a
# normal user, e.g. by scripts/check-docker.sh).
# -----------------------------------------------------------------------------
set -euo pipefail

OUT=${SECURE_OUT:-/secure}
MATERIAL=${SECURE_MATERIAL:-/opt/gateway/scripts/secure-material.sh}
SANS=${SECURE_SANS:-DNS:localhost,IP:127.0.0.1,DNS:kafka,DNS:etcd}
KAFKA_UID=${KAFKA_UID:-1000}
SERVICE_UID=${SERVICE_UID:-65532}
CHOWN=${SECURE_CHOWN:-1}
SERVICES=(ops chain1 chain2 chain3)

umask 077
mkdir -p "$OUT"
bash "$MATERIAL" --sans "$SANS" "$OUT/all"
ALL="$OUT/all"

# share <folder> <uid> <source>:<name>… — a copy of each source file in
# <out>/<folder>, mode 400 (ca.pem 444), folder 500, everything owned by <uid>.
# Files are overwritten in place (running containers keep their mount).
share() {
  local folder=$1 dir="$OUT/$1" uid=$2 pair src name; shift 2
  mkdir -p "$dir"
  for pair in "$@"; do
    src=${pair%%:*} name=${pair#*:}
    mkdir -p "$dir/$(dirname "$name")"
    cp -f "$ALL/$src" "$dir/$name.new" && mv -f "$dir/$name.new" "$dir/$name"
    if [[ $name == *ca.pem ]]; then chmod 444 "$dir/$name"; else chmod 400 "$dir/$name"; fi
  done
  find "$dir" -type d -exec chmod 500 {} +
  if [[ $CHOWN == 1 ]]; then chown -R "$uid:$uid" "$dir"; fi
  echo "certs: $folder/ (uid $uid): $(cd "$dir" && find . -type f | sed 's|^\./||' | sort | tr '\n' ' ')"
}

kafka_files=(ca.pem:ca.pem kafka-keystore.pem:kafka-keystore.pem)
for u in ops chain1 chain2 chain3 admin; do
  kafka_files+=("secrets/kafka-$u.password:secrets/kafka-$u.password")
done
share kafka "$KAFKA_UID" "${kafka_files[@]}"

share etcd 0 ca.pem:ca.pem etcd.pem:etcd.pem etcd-key.pem:etcd-key.pem \
  client.pem:client.pem client-key.pem:client-key.pem

roles_files=(ca.pem:ca.pem client.pem:client.pem client-key.pem:client-key.pem)
for u in root "${SERVICES[@]}"; do
  roles_files+=("secrets/etcd-$u.password:secrets/etcd-$u.password")
done
share etcd-roles 0 "${roles_files[@]}"

for svc in "${SERVICES[@]}"; do
  share "$svc" "$SERVICE_UID" ca.pem:ca.pem "client-$svc.pem:client.pem" \
    "client-$svc-key.pem:client-key.pem" "secrets/kafka-$svc.password:kafka.password" \
    "secrets/etcd-$svc.password:etcd.password"
done

share host 0 ca.pem:ca.pem
chmod 555 "$OUT/host"
