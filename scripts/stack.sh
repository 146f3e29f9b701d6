#!/usr/bin/env bash
# -----------------------------------------------------------------------------
# scripts/stack.sh — local infrastructure for the gateway, without Docker.
#
# Runs a real single-node Apache Kafka (KRaft, combined broker+controller) and a
# real single-node etcd as detached background processes. Everything they need
# (Kafka jars, configs, data, logs, pid files) lives in the stack folder
# ${STACK_DIR:-<repo>/.stack}, which is git-ignored.
#
# With --secure (or STACK_SECURE=1) the same stack gets, in addition (see
# docs/security-stack.md): a throw-away CA, certificates and passwords made with
# openssl in <stack>/secure (scripts/secure-material.sh); two more listeners on
# the same broker, SASL_SSL 127.0.0.1:9094 (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)
# and SSL 127.0.0.1:9095 (mTLS: a client certificate is required); and a second
# etcd, "etcd-secure", on https://127.0.0.1:2479 with client certificates and
# authentication on, its users and roles made by scripts/etcd-roles.sh. The plain
# listeners (Kafka 9092, etcd 2379) stay as they are.
#
# Usage: scripts/stack.sh <command> [component] [--secure]
#   start   [kafka|etcd|etcd-secure|all]  start (or find already running) components,
#                              wait until they are ready; default: all (with
#                              --secure: etcd, etcd-secure and Kafka with the
#                              secure listeners; a plain Kafka of ours is restarted)
#   stop    [kafka|etcd|etcd-secure|all]  SIGTERM, up to 30 s, then SIGKILL
#                              (all: etcd-secure too when it runs)
#   status  [kafka|etcd|etcd-secure|all]  one line per component; exit 0 if all up,
#                              else 3 (all: etcd-secure when it runs or with --secure)
#   kill    <kafka|etcd|etcd-secure>  SIGKILL (fault injection)
#   pause   <kafka|etcd|etcd-secure>  SIGSTOP (fault injection)
#   resume  <kafka|etcd|etcd-secure>  SIGCONT
#   restart <kafka|etcd|etcd-secure>  stop (if running) and start again on the same
#                              data; a Kafka with the secure listeners keeps them
#   env                        print `export KAFKA_BROKERS=…` / `ETCD_ENDPOINTS=…`
#   env --secure [service]     print the exports a service (ops, chain1, chain2,
#                              chain3; default ops) needs on the secured stack:
#                              SASL_SSL + SCRAM-SHA-512 on 9094, etcd over mTLS +
#                              user/password; files only, never a password itself
#   logs    <kafka|etcd|etcd-secure>  show the log (follows it when run on a terminal)
#
# Cluster mode: --cluster (or STACK_MODE=cluster; a member name implies it) runs,
# beside the plain and the secure stack, three Kafka brokers (KRaft, each broker +
# controller, one 3-voter quorum; replication factor 3, min.insync.replicas 2) and
# three etcd members in one cluster, all in <stack>/cluster (scripts/stack-cluster.sh):
#   kafka-1, kafka-2, kafka-3  127.0.0.1:9192, 9292, 9392 (controller 9193, 9293, 9393)
#   etcd-1, etcd-2, etcd-3     http://127.0.0.1:12379, 22379, 32379 (peer 12380, 22380, 32380)
#   start   [all|kafka|etcd|<member>] --cluster  start (or find running) in parallel, wait
#                              until ready (a broker: its log says started and it answers;
#                              etcd: /health), then until the metadata shows 3 brokers
#   stop    [all|kafka|etcd|<member>] --cluster  SIGTERM (in parallel), then SIGKILL
#   status  [all|kafka|etcd|<member>] --cluster  one line per member, naming the active
#                              controller and the etcd leader; exit 0 if all up, else 3
#   kill | pause | resume <member>  SIGKILL | SIGSTOP | SIGCONT
#   restart <member>           stop and start on the same data; kafka-N also waits until
#                              no partition is under-replicated (when all brokers run)
#   wait-isr [seconds] --cluster  wait (default 120 s) until no partition is
#                              under-replicated (kcat metadata, else TopicCommand)
#   env --cluster              `export KAFKA_BROKERS=…` / `ETCD_ENDPOINTS=…` of the cluster
#   logs    <member>           the member's log
#
# Environment:
#   STACK_DIR       stack folder (default: <repo>/.stack)
#   STACK_SECURE    1 = as if --secure were given
#   STACK_MODE      cluster = as if --cluster were given
#   ETCD_SECURE_ENDPOINTS  if set, the secured etcd is provided elsewhere
#   KAFKA_BROKERS   if set, Kafka is provided elsewhere and is never started here
#   ETCD_ENDPOINTS  if set, etcd is provided elsewhere and is never started here
#                   (both: not in cluster mode, whose members are always its own)
#   KAFKA_EXTRA_PROPERTIES  lines appended to the generated server.properties
#                   (a later line wins), e.g. $'num.io.threads=2\nnum.network.threads=1';
#                   in cluster mode, to every broker's
#   KAFKA_GC_OPTS   the broker's GC flags (default: -XX:+UseG1GC -XX:MaxGCPauseMillis=20)
#   KAFKA_JAVA_OPTS extra JVM flags, e.g. -Xlog:gc:file=/tmp/kafka-gc.log (the
#                   cluster's brokers have -Xms128m -Xmx384m -XX:TieredStopAtLevel=1;
#                   a later flag wins)
#
# Ports are fixed: Kafka 127.0.0.1:9092 (controller 9093), etcd 127.0.0.1:2379
# (peer 2380); secure: Kafka SASL_SSL 9094 and SSL 9095, etcd-secure 2479 (peer
# 2480, plain http on loopback). If a port is already served by a process that
# is not ours (e.g. a Kafka you run yourself) the component is reported as
# "external" and used.
# -----------------------------------------------------------------------------
set -euo pipefail

# ---- layout & constants ------------------------------------------------------
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
STACK_DIR="${STACK_DIR:-$REPO_ROOT/.stack}"

HOST=127.0.0.1
KAFKA_PORT=9092
KAFKA_CONTROLLER_PORT=9093
ETCD_PORT=2379
ETCD_PEER_PORT=2380
KAFKA_SASL_SSL_PORT=9094     # secure: SASL_SSL (PLAIN, SCRAM-SHA-256/512)
KAFKA_SSL_PORT=9095          # secure: SSL with a required client certificate
ETCD_SECURE_PORT=2479        # secure etcd: https, client certificates, auth on
ETCD_SECURE_PEER_PORT=2480
KAFKA_READY_TIMEOUT=90   # seconds
ETCD_READY_TIMEOUT=20    # seconds
STOP_TIMEOUT=30          # seconds between SIGTERM and SIGKILL

KAFKA_POM="$REPO_ROOT/infra/kafka/pom.xml"
KAFKA_LIBS="$STACK_DIR/kafka-libs"          # jars resolved by Maven
KAFKA_HOME="$STACK_DIR/kafka"               # generated configs
KAFKA_CONF="$KAFKA_HOME/server.properties"
KAFKA_LOG4J="$KAFKA_HOME/log4j2.properties"
KAFKA_TOOLS_LOG4J="$KAFKA_HOME/tools-log4j2.properties"
KAFKA_DATA="$KAFKA_HOME/data"               # log.dirs (and KRaft metadata log)
ETCD_DATA="$STACK_DIR/etcd"                 # etcd --data-dir (nothing else in it)
ETCD_SECURE_DATA="$STACK_DIR/etcd-secure"   # etcd-secure --data-dir
LOG_DIR="$STACK_DIR/logs"
LOCK_FILE="$STACK_DIR/.lock"

# Secure mode: CA, certificates and passwords (scripts/secure-material.sh).
SECURE_DIR="$STACK_DIR/secure"
SECRETS_DIR="$SECURE_DIR/secrets"
# Records which SCRAM credentials the Kafka data holds (cluster id + password hash).
KAFKA_SCRAM_MARKER="$KAFKA_HOME/scram-users"
SECURE_SERVICES=(ops chain1 chain2 chain3)      # a client certificate + users each
KAFKA_USERS=(ops chain1 chain2 chain3 admin)    # SASL users (PLAIN and SCRAM)
SCRAM_MECHANISMS=(SCRAM-SHA-256 SCRAM-SHA-512)
SECURE=0                                        # --secure / STACK_SECURE=1

# Kafka logs this (KafkaRaftServer) once the broker is unfenced and serving.
KAFKA_STARTED_MARKER='Kafka Server started'

# Start order: etcd is quick, Kafka is the long pole. etcd-secure belongs to
# "all" only with --secure (stop/status: also while it runs).
COMPONENTS=(etcd etcd-secure kafka)

# ---- small helpers -----------------------------------------------------------
say()  { printf '%s\n' "$*"; }
note() { printf 'note: %s\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# One status line: "kafka  running  pid 1234  127.0.0.1:9092  (extra)". The name
# column widens to 11 when etcd-secure is among the components of the command.
NAME_W=5
line() { # <component> <state> <pid-text> <address> [extra]
  printf '%-*s  %-8s  %-10s  %s%s\n' "$NAME_W" "$1" "$2" "$3" "$4" "${5:+  ($5)}"
}

# Per-component hooks: pid_file, log_file, addr_of, port_of, env_var (the
# variable naming a component provided elsewhere; none: always ours),
# proc_marker, comp_extra, comp_ready, launch and ensure_prereqs. Cluster mode
# (scripts/stack-cluster.sh, sourced by main) redefines them for its members, so
# the commands below serve both.
pid_file() { printf '%s/%s.pid' "$STACK_DIR" "$1"; }
log_file() { printf '%s/%s.log' "$LOG_DIR" "$1"; }
addr_of() {
  case $1 in
    kafka)       echo "$HOST:$KAFKA_PORT" ;;
    etcd)        echo "http://$HOST:$ETCD_PORT" ;;
    etcd-secure) echo "https://$HOST:$ETCD_SECURE_PORT" ;;
  esac
}
port_of() {
  case $1 in kafka) echo "$KAFKA_PORT" ;; etcd) echo "$ETCD_PORT" ;; etcd-secure) echo "$ETCD_SECURE_PORT" ;; esac
}
env_var() {
  case $1 in kafka) echo KAFKA_BROKERS ;; etcd) echo ETCD_ENDPOINTS ;; etcd-secure) echo ETCD_SECURE_ENDPOINTS ;; esac
}
# What identifies our process in its command line (a whole argument).
proc_marker() {
  case $1 in kafka) echo "$KAFKA_CONF" ;; etcd) echo "$ETCD_DATA" ;; etcd-secure) echo "$ETCD_SECURE_DATA" ;; esac
}
# Extra text for a component's status line.
comp_extra() { [[ $1 == kafka ]] && kafka_extra; return 0; }
# Kafka's extra text when it runs with the secure listeners.
kafka_extra() {
  kafka_is_secure && echo "+ SASL_SSL $HOST:$KAFKA_SASL_SSL_PORT, SSL (mTLS) $HOST:$KAFKA_SSL_PORT"
  return 0
}
# Join non-empty parts with "; " (status line extras).
join_extra() { local out="" p; for p in "$@"; do [[ -n $p ]] && out+="${out:+; }$p"; done; echo "$out"; }

# Wall-clock milliseconds, to report how long a start took.
now_ms() { date +%s%3N; }
secs_since() { local d=$(( $(now_ms) - $1 )); printf '%d.%ds' $((d / 1000)) $((d % 1000 / 100)); }

# True if something accepts TCP connections on host:port (bash /dev/tcp, no nc).
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

# Process state letter from /proc (R, S, T = stopped/paused, Z = zombie, …).
proc_state() { awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true; }

# The pid of OUR process for a component, or nothing. "Ours" means: the pid file
# names a live process whose command line mentions our config / data dir, so a
# recycled pid or a foreign process is never mistaken for the stack's.
our_pid() {
  local comp=$1 pf pid marker cmd state
  pf="$(pid_file "$comp")"
  [[ -s $pf ]] || return 0
  pid="$(<"$pf")"
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  state="$(proc_state "$pid")"
  [[ -n $state && $state != Z ]] || return 0
  marker="$(proc_marker "$comp")"
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
  # A whole argument: ".stack/etcd" must not match ".stack/etcd-secure".
  [[ "$cmd " == *"$marker "* ]] && echo "$pid"
  return 0
}

# Drop a pid file that no longer points at our process.
clean_stale_pid() { [[ -n "$(our_pid "$1")" ]] || rm -f "$(pid_file "$1")"; }

# Keep one previous generation of a log; every start gets a fresh file, so the
# readiness check (grep for the "started" line) only ever sees the current run.
rotate_log() { [[ -f $1 ]] && mv -f "$1" "$1.1"; return 0; }

# Serialise start/stop/restart so two concurrent `start`s don't race.
take_lock() {
  mkdir -p "${LOCK_FILE%/*}"
  exec 9>"$LOCK_FILE"
  flock -w 300 9 || die "another stack.sh is still busy (lock $LOCK_FILE)"
}

# ---- readiness probes --------------------------------------------------------
# Kafka is ready when the port accepts connections, the server log of this run
# says "Kafka Server started" (logged only after the broker is unfenced), and —
# if kcat is installed — the broker answers a metadata request.
# With the secure listeners (the config of the running broker says so), ports
# 9094 and 9095 must accept connections as well.
kafka_ready() {
  broker_ready "$KAFKA_PORT" "$(log_file kafka)" || return 1
  if kafka_is_secure; then
    port_open "$HOST" "$KAFKA_SASL_SSL_PORT" && port_open "$HOST" "$KAFKA_SSL_PORT" || return 1
  fi
}

broker_ready() { # <port> <server log>
  port_open "$HOST" "$1" || return 1
  grep -qF "$KAFKA_STARTED_MARKER" "$2" 2>/dev/null || return 1
  if command -v kcat >/dev/null; then
    kcat -b "$HOST:$1" -L -m 5 >/dev/null 2>&1 || return 1
  fi
}

# Did the last launch of our Kafka write the secure listeners?
kafka_is_secure() { grep -q "^listeners=.*SASL_SSL://" "$KAFKA_CONF" 2>/dev/null; }

# etcd is ready when /health says {"health":"true"}.
etcd_ready_at() { curl -fsS --max-time 2 "$@" 2>/dev/null | grep -q '"health":"true"'; }
etcd_ready() { etcd_ready_at "http://$HOST:$ETCD_PORT/health"; }
# etcd-secure: the same over TLS with our client certificate (its CN is no etcd
# user; /health needs none).
etcd_secure_ready() {
  etcd_ready_at --cacert "$SECURE_DIR/ca.pem" --cert "$SECURE_DIR/client.pem" \
    --key "$SECURE_DIR/client-key.pem" "https://$HOST:$ETCD_SECURE_PORT/health"
}
comp_ready() { # <component>
  case $1 in kafka) kafka_ready ;; etcd) etcd_ready ;; etcd-secure) etcd_secure_ready ;; esac
}

# Is an externally provided endpoint (KAFKA_BROKERS / ETCD_ENDPOINTS) reachable?
env_endpoint_up() {
  local comp=$1 first hostport
  if [[ $comp == kafka ]]; then
    first="${KAFKA_BROKERS%%,*}"; hostport="${first#*://}"
    port_open "${hostport%:*}" "${hostport##*:}"
  elif [[ $comp == etcd ]]; then
    first="${ETCD_ENDPOINTS%%,*}"
    [[ $first == *://* ]] || first="http://$first"
    etcd_ready_at "$first/health"
  else
    # A secured etcd elsewhere: is its port open? (Its /health may need a client certificate.)
    first="${ETCD_SECURE_ENDPOINTS%%,*}"; hostport="${first#*://}"; hostport="${hostport%%/*}"
    port_open "${hostport%:*}" "${hostport##*:}"
  fi
}

# ---- prerequisites -----------------------------------------------------------
APT_UPDATED=0
can_apt() { [[ $(id -u) -eq 0 && -f /etc/debian_version ]] && command -v apt-get >/dev/null; }
apt_update_once() {
  (( APT_UPDATED )) && return 0
  say "apt-get update …"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || die "apt-get update failed"
  APT_UPDATED=1
}
apt_install() { # <packages…>
  apt_update_once
  say "apt-get install -y $* …"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Make sure <command> exists; install <packages> via apt when root on Debian,
# otherwise exit 1 saying what to install.
need() { # <command> <packages…>
  local cmd=$1; shift
  command -v "$cmd" >/dev/null && return 0
  if can_apt; then
    apt_install "$@" || die "could not install $*"
    command -v "$cmd" >/dev/null || die "'$cmd' still missing after installing $*"
  else
    die "'$cmd' not found: please install $* (e.g. sudo apt-get install -y $*)"
  fi
}

# kcat is optional (the tests use it as a plain Kafka client): never fatal.
want_kcat() {
  command -v kcat >/dev/null && return 0
  if can_apt; then
    apt_update_once
    if apt-cache show kcat >/dev/null 2>&1 && apt_install kcat 2>/dev/null; then return 0; fi
    note "kcat is not available from apt; continuing without it"
  else
    note "kcat not found (optional Kafka CLI used by tests): apt-get install kcat"
  fi
}

# Resolve the Kafka jars with Maven (infra/kafka/pom.xml) into $KAFKA_LIBS. A
# marker file holding the POM checksum records a complete download, so an
# interrupted run or a changed POM triggers a fresh resolve.
ensure_kafka_libs() {
  local sum marker="$KAFKA_LIBS/.resolved" mvn_log="$LOG_DIR/maven.log"
  [[ -f $KAFKA_POM ]] || die "missing $KAFKA_POM"
  sum="$(sha256sum "$KAFKA_POM" | cut -d' ' -f1)"
  [[ -f $marker && "$(<"$marker")" == "$sum" ]] && return 0
  need mvn maven
  say "resolving Kafka jars with Maven into $KAFKA_LIBS …"
  rm -rf "$KAFKA_LIBS"; mkdir -p "$KAFKA_LIBS" "$LOG_DIR"
  if ! mvn -q -B -Dstyle.color=never -f "$KAFKA_POM" dependency:copy-dependencies \
        -Dkafka.libs="$KAFKA_LIBS" >"$mvn_log" 2>&1; then
    tail -n 20 "$mvn_log" >&2
    die "Maven could not resolve Kafka (full log: $mvn_log)"
  fi
  echo "$sum" >"$marker"
}

# Secure mode: openssl, then the CA, certificates and passwords in $SECURE_DIR
# (made once, renewed when missing or expiring within a day).
ensure_secure_material() {
  need openssl openssl
  mkdir -p "$STACK_DIR"
  bash "$SCRIPT_DIR/secure-material.sh" --quiet "$SECURE_DIR" || die "could not make the secure material in $SECURE_DIR"
}

# Install/resolve what the components we are about to start need.
ensure_prereqs() { # <components…>
  local c
  if (( SECURE )) || [[ " $* " == *" etcd-secure "* ]]; then ensure_secure_material; fi
  for c in "$@"; do
    case $c in
      # Nothing to install for a component that is provided elsewhere, already
      # running, or whose port is served by someone else ("external").
      etcd)  [[ -n ${ETCD_ENDPOINTS:-} || -n "$(our_pid etcd)" ]] && continue
             port_open "$HOST" "$ETCD_PORT" && continue
             need etcd etcd-server etcd-client ;;
      # etcd-secure also needs etcdctl (users and roles) even when it is running.
      etcd-secure)
             [[ -n ${ETCD_SECURE_ENDPOINTS:-} ]] && continue
             need etcd etcd-server etcd-client
             need etcdctl etcd-client ;;
      kafka) want_kcat
             # Secure mode uses the Kafka CLI (SCRAM users) even when Kafka is running.
             if (( ! SECURE )); then
               [[ -n ${KAFKA_BROKERS:-} || -n "$(our_pid kafka)" ]] && continue
               port_open "$HOST" "$KAFKA_PORT" && continue
             fi
             [[ -n ${KAFKA_BROKERS:-} ]] && continue
             need java openjdk-17-jre-headless
             ensure_kafka_libs ;;
    esac
  done
}

# ---- Kafka -------------------------------------------------------------------
# (Re)write the generated Kafka configs; called on every start so edits to this
# script take effect. Data is never touched.
write_kafka_config() {
  mkdir -p "$KAFKA_HOME" "$KAFKA_DATA" "$LOG_DIR"
  local listeners="PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT"
  local advertised="PLAINTEXT://$HOST:$KAFKA_PORT"
  local protocols="CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"
  if (( SECURE )); then
    listeners+=",SASL_SSL://$HOST:$KAFKA_SASL_SSL_PORT,SSL://$HOST:$KAFKA_SSL_PORT"
    advertised+=",SASL_SSL://$HOST:$KAFKA_SASL_SSL_PORT,SSL://$HOST:$KAFKA_SSL_PORT"
    protocols+=",SASL_SSL:SASL_SSL,SSL:SSL"
  fi
  # The secure config holds the PLAIN users' passwords: owner-only.
  touch "$KAFKA_CONF"; chmod 600 "$KAFKA_CONF"
  cat >"$KAFKA_CONF" <<EOF
# Generated by scripts/stack.sh — edits are overwritten on the next start.
# Single node, KRaft mode, combined broker + controller, static quorum.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$KAFKA_CONTROLLER_PORT
listeners=$listeners
advertised.listeners=$advertised
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=$protocols
log.dirs=$KAFKA_DATA

# Topics: the services create their own topics, nothing is auto-created.
$(topic_properties 1 1)

# After a SIGKILL ('stack.sh kill kafka') the restarted broker cannot register
# until the controller expires the dead incarnation's session (default 9 s,
# plus registration back-off: ~14 s to restart). 3 s brings that to ~4 s.
# Broker and controller share this JVM, so heartbeats never cross a network.
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=3000

# Modest thread counts for a small dev machine.
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
$(kafka_secure_properties)
${KAFKA_EXTRA_PROPERTIES:+
# From KAFKA_EXTRA_PROPERTIES (a later line wins over an earlier one).
$KAFKA_EXTRA_PROPERTIES}
EOF
  write_kafka_log4j "$KAFKA_LOG4J" "$(log_file kafka)"
  write_kafka_tools_log4j
}

# A broker's topic defaults: <replicas> copies of each partition, a write
# needs <min-isr> of them in sync.
topic_properties() { # <replicas> <min-isr>
  cat <<EOF
auto.create.topics.enable=false
num.partitions=3
default.replication.factor=$1
min.insync.replicas=$2
offsets.topic.replication.factor=$1
transaction.state.log.replication.factor=$1
transaction.state.log.min.isr=$2
# No 3 s wait before the first consumer-group rebalance (speeds up tests).
group.initial.rebalance.delay.ms=0
EOF
}

# Broker logging: INFO to a file only (nothing on the console), in Log4j 2 properties syntax.
write_kafka_log4j() { # <log4j config> <server log>
  cat >"$1" <<EOF
# Generated by scripts/stack.sh (Log4j 2 properties syntax).
status = warn
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = $2
appender.file.append = true
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
# Very chatty loggers kept quieter.
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.authorizer.name = kafka.authorizer.logger
logger.authorizer.level = WARN
logger.clients.name = org.apache.kafka.clients
logger.clients.level = WARN
EOF
}

# For Kafka's CLI tools (storage format, TopicCommand, …): warnings to stderr.
# Use: kafka_tool <main class> <args…>
write_kafka_tools_log4j() {
  cat >"$KAFKA_TOOLS_LOG4J" <<'EOF'
# Generated by scripts/stack.sh — for Kafka CLI tools (Log4j 2 properties syntax).
status = warn
appender.stderr.type = Console
appender.stderr.name = STDERR
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.stderr.ref = STDERR
EOF
}

# Run a Kafka CLI class (StorageTool, ConfigCommand, TopicCommand, …) on our jars.
kafka_tool() { java -Dlog4j2.configurationFile="$KAFKA_TOOLS_LOG4J" -cp "$KAFKA_LIBS/*" "$@"; }

# A new KRaft cluster id: 16 random bytes in URL-safe base64 without padding; one
# starting with '-' is avoided (it would look like a command-line flag).
new_cluster_id() {
  local id=-
  while [[ $id == -* ]]; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
  done
  echo "$id"
}

# The broker JVM's flags → array JVM_OPTS: the given heap flags, GC, headless, the
# log4j config, then KAFKA_JAVA_OPTS (a later flag wins over an earlier one).
set_kafka_jvm_opts() { # <log4j config> <heap flags…>
  local log4j=$1 extra_opts=(); shift
  JVM_OPTS=(
    "$@" ${KAFKA_GC_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20}
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$log4j" "-Dkafka.logs.dir=$LOG_DIR"
  )
  [[ -n ${KAFKA_JAVA_OPTS:-} ]] && read -r -a extra_opts <<<"$KAFKA_JAVA_OPTS" && JVM_OPTS+=("${extra_opts[@]}")
  return 0
}

# The secure listeners' settings (secure mode). Passwords go into JAAS configs,
# which Kafka treats as passwords: its config dump at start shows [hidden].
kafka_secure_properties() {
  (( SECURE )) || return 0
  local u plain_users=""
  for u in "${KAFKA_USERS[@]}"; do
    plain_users+=" user_$u=\"$(<"$SECRETS_DIR/kafka-$u.password")\""
  done
  cat <<EOF

# ---- secure listeners (stack.sh --secure) ----
# TLS for SASL_SSL and SSL: PEM key and trust stores, no keytool needed.
ssl.keystore.type=PEM
ssl.keystore.location=$SECURE_DIR/kafka-keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$SECURE_DIR/ca.pem
# SASL_SSL 9094: PLAIN (users listed here) and SCRAM (credentials in the cluster
# metadata, created at format time or by ConfigCommand).
listener.name.sasl_ssl.sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required$plain_users;
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
# SSL 9095: mTLS, a certificate signed by our CA is required. The principal is
# the certificate's CN (User:ops, not User:CN=ops).
listener.name.ssl.ssl.client.auth=required
ssl.principal.mapping.rules=RULE:^CN=([^,]+).*\$/\$1/,DEFAULT
EOF
}

# StorageTool's "--add-scram 'SCRAM-SHA-256=[name=<u>,password=<pw>]'" pairs for
# every user and mechanism, NUL-separated (for mapfile -d '').
scram_format_args() {
  local u m pw
  for u in "${KAFKA_USERS[@]}"; do
    pw="$(<"$SECRETS_DIR/kafka-$u.password")"
    for m in "${SCRAM_MECHANISMS[@]}"; do printf -- '--add-scram\0%s=[name=%s,password=%s]\0' "$m" "$u" "$pw"; done
  done
}

# What the SCRAM marker should hold: the data's cluster id + a hash of the passwords.
scram_fingerprint() {
  local id u
  id="$(sed -n 's/^cluster.id=//p' "$KAFKA_DATA/meta.properties" 2>/dev/null)"
  { for u in "${KAFKA_USERS[@]}"; do printf '%s:' "$u"; cat "$SECRETS_DIR/kafka-$u.password"; echo; done; } |
    sha256sum | { read -r sum _; echo "$id $sum"; }
}

# Format the KRaft storage once, with a random cluster id.
format_kafka_storage() {
  [[ -f $KAFKA_DATA/meta.properties ]] && return 0
  local id
  id="$(new_cluster_id)"
  # Secure mode: the SCRAM users go into the metadata at format time.
  local scram=()
  (( SECURE )) && mapfile -d '' scram < <(scram_format_args)
  say "formatting Kafka storage (cluster id $id${scram:+, with ${#KAFKA_USERS[@]} SCRAM users}) …"
  # The format log lists the SCRAM records (salted keys, no passwords): owner-only.
  : >"$LOG_DIR/kafka-format.log"; chmod 600 "$LOG_DIR/kafka-format.log"
  kafka_tool kafka.tools.StorageTool format --cluster-id "$id" --config "$KAFKA_CONF" "${scram[@]}" \
    >"$LOG_DIR/kafka-format.log" 2>&1 \
    || { cat "$LOG_DIR/kafka-format.log" >&2; die "kafka storage format failed"; }
  if (( SECURE )); then scram_fingerprint >"$KAFKA_SCRAM_MARKER"; else rm -f "$KAFKA_SCRAM_MARKER"; fi
}

# Secure mode, broker up: make sure every SASL user has SCRAM credentials. A data
# dir formatted by a plain start has none; they are added (or, after a password
# file changed, replaced) with ConfigCommand over the plain listener. Passwords
# go through a file (--add-config-file), not the command line. One mechanism per
# call: Kafka 4.4 refuses two credentials of one user in the same request ("A
# user credential cannot be altered twice in the same request").
ensure_kafka_scram() {
  local want u m cfg
  want="$(scram_fingerprint)"
  [[ -f $KAFKA_SCRAM_MARKER && "$(<"$KAFKA_SCRAM_MARKER")" == "$want" ]] && return 0
  say "kafka: adding SCRAM credentials (${SCRAM_MECHANISMS[*]}) for ${KAFKA_USERS[*]} …"
  cfg="$(mktemp "$KAFKA_HOME/scram.XXXXXX")"   # mode 600
  : >"$LOG_DIR/kafka-scram.log"
  for u in "${KAFKA_USERS[@]}"; do
    for m in "${SCRAM_MECHANISMS[@]}"; do
      printf '%s=password=%s\n' "$m" "$(<"$SECRETS_DIR/kafka-$u.password")" >"$cfg"
      if ! kafka_tool org.apache.kafka.tools.ConfigCommand --bootstrap-server "$HOST:$KAFKA_PORT" --alter \
           --add-config-file "$cfg" --entity-type users --entity-name "$u" \
           >>"$LOG_DIR/kafka-scram.log" 2>&1; then
        rm -f "$cfg"; tail -n 20 "$LOG_DIR/kafka-scram.log" >&2
        die "could not add the $m credential of $u (log: $LOG_DIR/kafka-scram.log)"
      fi
    done
  done
  rm -f "$cfg"
  echo "$want" >"$KAFKA_SCRAM_MARKER"
}

# Secure mode: does SCRAM work on 9094, and has every user both credentials?
# One Java client (ConfigCommand) logs in as admin with SCRAM-SHA-512 over
# SASL_SSL and lists the users' credentials. (Not kcat: librdkafka before 2.6.1
# sends a SCRAM nonce that Kafka 4 refuses — "invalid credentials" — and Debian
# 12's kcat has 2.0.2. kcat works on 9094 with PLAIN and on 9095 with mTLS.)
kafka_scram_ready() {
  local cfg out u m rc=0
  cfg="$(mktemp "$KAFKA_HOME/admin-client.XXXXXX")"   # mode 600: holds a password
  cat >"$cfg" <<EOF
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(<"$SECRETS_DIR/kafka-admin.password")";
ssl.truststore.type=PEM
ssl.truststore.location=$SECURE_DIR/ca.pem
EOF
  out="$(kafka_tool org.apache.kafka.tools.ConfigCommand --bootstrap-server "$HOST:$KAFKA_SASL_SSL_PORT" \
    --command-config "$cfg" --describe --entity-type users 2>&1)" || rc=1
  rm -f "$cfg"
  (( rc == 0 )) || return 1
  for u in "${KAFKA_USERS[@]}"; do
    for m in "${SCRAM_MECHANISMS[@]}"; do
      grep -q "user-principal '$u'.*$m=" <<<"$out" || return 1
    done
  done
}

# Secure mode, after Kafka is ready: SCRAM users present and usable.
finish_kafka_secure() {
  kafka_is_secure || return 0
  ensure_kafka_scram
  local deadline=$(( $(date +%s) + 30 ))
  until kafka_scram_ready; do
    (( $(date +%s) < deadline )) || die "kafka: SCRAM users cannot log in on $HOST:$KAFKA_SASL_SSL_PORT after 30s (log: $(log_file kafka))"
    sleep 0.5
  done
}

launch_kafka() {
  port_open "$HOST" "$KAFKA_CONTROLLER_PORT" \
    && die "port $KAFKA_CONTROLLER_PORT (Kafka controller) is in use by another process"
  write_kafka_config
  format_kafka_storage
  rotate_log "$(log_file kafka)"; rotate_log "$LOG_DIR/kafka.out"
  set_kafka_jvm_opts "$KAFKA_LOG4J" -Xms256m -Xmx512m
  # JVM stdout/stderr (crashes, early errors) go to kafka.out.
  spawn kafka "$LOG_DIR/kafka.out" \
    java "${JVM_OPTS[@]}" -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_CONF"
}

# ---- etcd --------------------------------------------------------------------
launch_etcd() {
  port_open "$HOST" "$ETCD_PEER_PORT" \
    && die "port $ETCD_PEER_PORT (etcd peer) is in use by another process"
  mkdir -p "$ETCD_DATA" "$LOG_DIR"
  chmod 700 "$ETCD_DATA"   # etcd warns about (and 3.5+ rejects) looser modes
  rotate_log "$(log_file etcd)"
  spawn etcd "$(log_file etcd)" \
    etcd --name stack --data-dir "$ETCD_DATA" --logger zap \
      --listen-client-urls "http://$HOST:$ETCD_PORT" \
      --advertise-client-urls "http://$HOST:$ETCD_PORT" \
      --listen-peer-urls "http://$HOST:$ETCD_PEER_PORT" \
      --initial-advertise-peer-urls "http://$HOST:$ETCD_PEER_PORT" \
      --initial-cluster "stack=http://$HOST:$ETCD_PEER_PORT"
}

# The secured etcd: its own data dir and ports; TLS with our server certificate;
# clients must present a certificate signed by our CA (--client-cert-auth). The
# peer URL stays plain http on loopback (a single member; nothing else dials it).
launch_etcd_secure() {
  port_open "$HOST" "$ETCD_SECURE_PEER_PORT" \
    && die "port $ETCD_SECURE_PEER_PORT (etcd-secure peer) is in use by another process"
  mkdir -p "$ETCD_SECURE_DATA" "$LOG_DIR"
  chmod 700 "$ETCD_SECURE_DATA"
  rotate_log "$(log_file etcd-secure)"
  spawn etcd-secure "$(log_file etcd-secure)" \
    etcd --name stack-secure --data-dir "$ETCD_SECURE_DATA" --logger zap \
      --listen-client-urls "https://$HOST:$ETCD_SECURE_PORT" \
      --advertise-client-urls "https://$HOST:$ETCD_SECURE_PORT" \
      --cert-file "$SECURE_DIR/etcd.pem" --key-file "$SECURE_DIR/etcd-key.pem" \
      --client-cert-auth --trusted-ca-file "$SECURE_DIR/ca.pem" \
      --listen-peer-urls "http://$HOST:$ETCD_SECURE_PEER_PORT" \
      --initial-advertise-peer-urls "http://$HOST:$ETCD_SECURE_PEER_PORT" \
      --initial-cluster "stack-secure=http://$HOST:$ETCD_SECURE_PEER_PORT"
}

# etcd-secure, once ready: root, the roles and users of scripts/etcd-roles.sh
# (the default layout), auth enabled. Idempotent; prints what it changed.
finish_etcd_secure() {
  local log="$LOG_DIR/etcd-roles.log" changes
  if ! ETCD_ENDPOINTS="https://$HOST:$ETCD_SECURE_PORT" ETCD_CA_FILE="$SECURE_DIR/ca.pem" \
       ETCD_CERT_FILE="$SECURE_DIR/client.pem" ETCD_KEY_FILE="$SECURE_DIR/client-key.pem" \
       ETCD_SECRETS_DIR="$SECRETS_DIR" ETCD_ROOT_PASSWORD_FILE="$SECRETS_DIR/etcd-root.password" \
       DISCOVERY_PREFIX=/services/ \
       bash "$SCRIPT_DIR/etcd-roles.sh" "${SECURE_SERVICES[@]}" >"$log" 2>&1; then
    cat "$log" >&2
    die "etcd-secure: setting up users and roles failed (log: $log)"
  fi
  changes="$(grep -E ': created$|— granted$|: role .* granted$|auth: enabled$|password updated' "$log" || true)"
  if [[ -n $changes ]]; then
    say "etcd-secure users and roles (scripts/etcd-roles.sh; full log: $log):"
    printf '%s\n' "$changes"
  fi
}

launch() { # <component>
  case $1 in kafka) launch_kafka ;; etcd) launch_etcd ;; etcd-secure) launch_etcd_secure ;; esac
}

# ---- process control ---------------------------------------------------------
# Start a detached process: its own session (setsid) and immune to SIGHUP
# (nohup), stdin from /dev/null, output to <logfile>, lock fd 9 closed. The
# inner bash writes its own pid and then execs the program, so the pid file
# holds the real process id no matter whether setsid had to fork.
spawn() { # <component> <logfile> <command…>
  local comp=$1 out=$2; shift 2
  local pf; pf="$(pid_file "$comp")"
  rm -f "$pf"
  # shellcheck disable=SC2016  # $$ / $0 / $@ are expanded by the inner bash
  setsid nohup bash -c 'echo $$ >"$0"; exec "$@"' "$pf" "$@" \
    </dev/null >>"$out" 2>&1 9>&- &
  local i
  for i in $(seq 50); do [[ -s $pf ]] && return 0; sleep 0.1; done
  die "$comp did not start (see $out)"
}

# Wait until a component we launched is ready; fail if it dies or times out.
wait_ready() { # <component> <timeout-seconds>
  local comp=$1 limit=$2 deadline pid
  deadline=$(( $(date +%s) + limit ))
  while :; do
    pid="$(our_pid "$comp")"
    if [[ -z $pid ]]; then
      tail -n 30 "$(log_file "$comp")" >&2 2>/dev/null || true
      [[ -f $LOG_DIR/$comp.out ]] && tail -n 10 "$LOG_DIR/$comp.out" >&2
      die "$comp exited during start-up (logs: $LOG_DIR)"
    fi
    comp_ready "$comp" && return 0
    if (( $(date +%s) >= deadline )); then
      tail -n 30 "$(log_file "$comp")" >&2 2>/dev/null || true
      die "$comp (pid $pid) not ready after ${limit}s — still running; see $(log_file "$comp")"
    fi
    sleep 0.25
  done
}

# True once a process is gone for good: no /proc entry, or an unreaped zombie
# whose threads have all exited. (A JVM's main thread turns zombie while other
# threads are still exiting and still hold the listening sockets; waiting only
# for "Z" let a quick restart see port 9092 open and call it "external".)
proc_gone() { # <pid>
  local st tasks
  st="$(proc_state "$1")"
  [[ -z $st ]] && return 0
  [[ $st == Z ]] || return 1
  tasks=("/proc/$1/task/"*)
  (( ${#tasks[@]} <= 1 ))
}

# Send a signal to our process; wait (up to <secs>) for it to disappear.
signal_and_wait() { # <pid> <signal> <secs>
  local pid=$1 sig=$2 secs=$3 i
  kill "-$sig" "$pid" 2>/dev/null || return 0
  # A paused (SIGSTOPped) process only acts on SIGTERM once it is continued.
  if [[ $sig == TERM ]]; then kill -CONT "$pid" 2>/dev/null || true; fi
  for (( i = 0; i < secs * 10; i++ )); do
    proc_gone "$pid" && return 0
    sleep 0.1
  done
  return 1
}

# ---- commands ----------------------------------------------------------------
# Start one component (or find it running). Prints a line unless we launched it,
# in which case the caller waits and prints (LAUNCHED[comp]=1, STARTED_AT[comp]).
declare -A LAUNCHED=() STARTED_AT=() FOUND=()
start_one() {
  local comp=$1 var pid port
  var="$(env_var "$comp")"
  if [[ -n $var && -n ${!var:-} ]]; then
    line "$comp" external "-" "${!var}" "$var is set; not starting"
    return 0
  fi
  clean_stale_pid "$comp"
  pid="$(our_pid "$comp")"
  # start --secure: a plain Kafka of ours is restarted so the secure listeners exist.
  if [[ -n $pid && $comp == kafka ]] && (( SECURE )) && ! kafka_is_secure; then
    note "kafka (pid $pid) runs without the secure listeners; restarting it with them"
    stop_pid kafka "$pid" >/dev/null
    pid=""
  fi
  if [[ -n $pid ]]; then
    if [[ "$(proc_state "$pid")" == T ]]; then
      note "$comp (pid $pid) was paused; resuming it"
      kill -CONT "$pid"
    fi
    if comp_ready "$comp"; then
      line "$comp" running "pid $pid" "$(addr_of "$comp")" "$(join_extra "already running" "$(comp_extra "$comp")")"
      FOUND[$comp]=1
    else
      # Ours but not ready yet (e.g. just restarted elsewhere): wait for it.
      STARTED_AT[$comp]="$(now_ms)"; LAUNCHED[$comp]=1
    fi
    return 0
  fi
  port="$(port_of "$comp")"
  if port_open "$HOST" "$port"; then
    line "$comp" external "-" "$(addr_of "$comp")" "port served by a process not started here; using it"
    return 0
  fi
  STARTED_AT[$comp]="$(now_ms)"
  launch "$comp"
  LAUNCHED[$comp]=1
}

cmd_start() { # <components…>
  take_lock
  ensure_prereqs "$@"
  local c
  # Launch everything first, then wait, so etcd and Kafka boot in parallel.
  for c in "$@"; do start_one "$c"; done
  for c in "$@"; do
    [[ -n ${LAUNCHED[$c]:-} || -n ${FOUND[$c]:-} ]] || continue
    if [[ -n ${LAUNCHED[$c]:-} ]]; then
      if [[ $c == kafka* ]]; then wait_ready "$c" "$KAFKA_READY_TIMEOUT"; else wait_ready "$c" "$ETCD_READY_TIMEOUT"; fi
    fi
    # Secure set-up on a component of ours (launched now or found running): SCRAM
    # users on Kafka, users/roles/auth on etcd-secure. Both are idempotent.
    case $c in
      kafka)       if (( SECURE )); then finish_kafka_secure; fi ;;
      etcd-secure) finish_etcd_secure ;;
    esac
    [[ -n ${LAUNCHED[$c]:-} ]] || continue
    line "$c" running "pid $(our_pid "$c")" "$(addr_of "$c")" \
      "$(join_extra "ready in $(secs_since "${STARTED_AT[$c]}")" "$(comp_extra "$c")")"
  done
}

# Stop our process <pid> of <component>: SIGTERM, then SIGKILL after STOP_TIMEOUT.
stop_pid() { # <component> <pid>
  local c=$1 pid=$2 t0
  t0="$(now_ms)"
  if signal_and_wait "$pid" TERM "$STOP_TIMEOUT"; then
    rm -f "$(pid_file "$c")"
    line "$c" stopped "pid $pid" "$(addr_of "$c")" "SIGTERM, $(secs_since "$t0")"
  else
    signal_and_wait "$pid" KILL 10 || die "$c (pid $pid) survived SIGKILL"
    rm -f "$(pid_file "$c")"
    line "$c" stopped "pid $pid" "$(addr_of "$c")" "SIGKILL after ${STOP_TIMEOUT}s"
  fi
}

cmd_stop() { # <components…>
  take_lock
  local c
  for c in "$@"; do stop_one "$c"; done
}

# Stop one component if it is ours (the caller holds the lock).
stop_one() { # <component>
  local c=$1 pid var
  var="$(env_var "$c")"
  pid="$(our_pid "$c")"
  if [[ -n $pid ]]; then stop_pid "$c" "$pid"; return 0; fi
  rm -f "$(pid_file "$c")"
  if [[ -n $var && -n ${!var:-} ]]; then
    line "$c" external "-" "${!var}" "$var is set; left alone"
  elif port_open "$HOST" "$(port_of "$c")"; then
    line "$c" external "-" "$(addr_of "$c")" "not started here; left alone"
  else
    line "$c" stopped "-" "$(addr_of "$c")"
  fi
}

# Status of one component; returns 0 if it is up.
status_one() {
  local comp=$1 var pid port
  var="$(env_var "$comp")"
  if [[ -n $var && -n ${!var:-} ]]; then
    if env_endpoint_up "$comp"; then line "$comp" external "-" "${!var}" "from $var"; return 0; fi
    line "$comp" down "-" "${!var}" "from $var; not reachable"; return 1
  fi
  pid="$(our_pid "$comp")"
  if [[ -n $pid ]]; then
    local extra
    extra="$(comp_extra "$comp")"
    if [[ "$(proc_state "$pid")" == T ]]; then line "$comp" paused "pid $pid" "$(addr_of "$comp")" "$extra"; return 1; fi
    if comp_ready "$comp"; then line "$comp" running "pid $pid" "$(addr_of "$comp")" "$extra"; return 0; fi
    line "$comp" starting "pid $pid" "$(addr_of "$comp")" "$(join_extra "not ready" "$extra")"; return 1
  fi
  port="$(port_of "$comp")"
  if port_open "$HOST" "$port"; then line "$comp" external "-" "$(addr_of "$comp")" "not started here"; return 0; fi
  line "$comp" stopped "-" "$(addr_of "$comp")"; return 1
}

cmd_status() { # <components…>
  local c rc=0
  for c in "$@"; do status_one "$c" || rc=3; done
  return "$rc"
}

# kill / pause / resume: only ever aimed at our own process.
cmd_signal() { # <KILL|STOP|CONT> <component>
  local sig=$1 comp=$2 pid
  pid="$(our_pid "$comp")"
  [[ -n $pid ]] || die "$comp is not running under this stack (nothing to signal)"
  case $sig in
    KILL) signal_and_wait "$pid" KILL 10 || die "$comp (pid $pid) survived SIGKILL"
          rm -f "$(pid_file "$comp")"
          line "$comp" killed "pid $pid" "$(addr_of "$comp")" "SIGKILL" ;;
    STOP) kill -STOP "$pid"; line "$comp" paused "pid $pid" "$(addr_of "$comp")" "SIGSTOP" ;;
    CONT) kill -CONT "$pid"; line "$comp" resumed "pid $pid" "$(addr_of "$comp")" "SIGCONT" ;;
  esac
}

cmd_restart() { # <component>
  local var; var="$(env_var "$1")"
  [[ -z ${!var:-} ]] || die "$var is set: $1 is not managed by this script"
  # A Kafka of ours running with the secure listeners comes back with them.
  if [[ $1 == kafka && -n "$(our_pid kafka)" ]] && kafka_is_secure; then SECURE=1; fi
  ( cmd_stop "$1" )   # subshell: releases the lock when done
  cmd_start "$1"
}

cmd_env() {
  printf 'export KAFKA_BROKERS=%q\n' "${KAFKA_BROKERS:-$HOST:$KAFKA_PORT}"
  printf 'export ETCD_ENDPOINTS=%q\n' "${ETCD_ENDPOINTS:-http://$HOST:$ETCD_PORT}"
}

# env --secure [service]: what a service needs on the secured stack. Paths are
# absolute; passwords stay in their files (the *_PASSWORD_FILE variables).
# mTLS Kafka instead of SASL: KAFKA_BROKERS=127.0.0.1:9095 KAFKA_SECURITY_PROTOCOL=SSL
# with KAFKA_TLS_CA_FILE, KAFKA_TLS_CERT_FILE, KAFKA_TLS_KEY_FILE (see docs/security-stack.md).
cmd_env_secure() { # [service]
  local svc=${1:-ops} dir secrets
  [[ " ${SECURE_SERVICES[*]} " == *" $svc "* ]] || die "unknown service '$svc' (expected one of: ${SECURE_SERVICES[*]})"
  dir="$(realpath -m "$SECURE_DIR")"; secrets="$dir/secrets"
  [[ -f $dir/ca.pem && -f $secrets/kafka-$svc.password ]] \
    || note "$dir has no certificates/passwords yet: run scripts/stack.sh start --secure"
  printf 'export %s=%q\n' \
    KAFKA_BROKERS "$HOST:$KAFKA_SASL_SSL_PORT" \
    KAFKA_SECURITY_PROTOCOL SASL_SSL \
    KAFKA_SASL_MECHANISM SCRAM-SHA-512 \
    KAFKA_SASL_USERNAME "$svc" \
    KAFKA_SASL_PASSWORD_FILE "$secrets/kafka-$svc.password" \
    KAFKA_TLS_CA_FILE "$dir/ca.pem" \
    ETCD_ENDPOINTS "${ETCD_SECURE_ENDPOINTS:-https://$HOST:$ETCD_SECURE_PORT}" \
    ETCD_CA_FILE "$dir/ca.pem" \
    ETCD_CERT_FILE "$dir/client-$svc.pem" \
    ETCD_KEY_FILE "$dir/client-$svc-key.pem" \
    ETCD_USERNAME "$svc" \
    ETCD_PASSWORD_FILE "$secrets/etcd-$svc.password"
}

cmd_logs() { # <component>
  local f; f="$(log_file "$1")"
  [[ -f $f ]] || die "no log yet: $f"
  if [[ -t 1 ]]; then tail -n 100 -F "$f"; else tail -n 200 "$f"; fi
}

usage() { sed -n '/^# Usage:/,/^# Environment:/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

# Component argument → global COMPS. "all" (or nothing, where allowed) means
# every component (for start: etcd-secure too with --secure; for stop and status:
# etcd-secure too when it runs or with --secure); otherwise exactly one.
COMPS=()
parse_components() { # <command> <arg> <all-allowed: yes|no>
  local cmd=$1
  case ${2:-all} in
    all)        [[ $3 == yes ]] || die "a component is required: kafka, etcd or etcd-secure"
                local c
                COMPS=()
                for c in "${COMPONENTS[@]}"; do
                  if [[ $c == etcd-secure ]] && (( ! SECURE )) &&
                     { [[ $cmd == start ]] || [[ -z "$(our_pid etcd-secure)" ]]; }; then
                    continue
                  fi
                  COMPS+=("$c")
                done ;;
    kafka|etcd|etcd-secure) COMPS=("$2") ;;
    *)          die "unknown component '$2' (expected kafka, etcd or etcd-secure$([[ $3 == yes ]] && echo ' or all'))" ;;
  esac
  [[ " ${COMPS[*]} " == *" etcd-secure "* ]] && NAME_W=11
  return 0
}

main() {
  # --secure and --cluster may stand anywhere; STACK_SECURE=1 (or true/yes) and
  # STACK_MODE=cluster do the same. A member name (kafka-N, etcd-N) means --cluster.
  local args=() a cluster=0 secure_flag=0
  case ${STACK_SECURE:-} in 1|true|yes) SECURE=1 ;; esac
  [[ ${STACK_MODE:-} == cluster ]] && cluster=1
  for a in "$@"; do
    case $a in
      --secure)  SECURE=1; secure_flag=1 ;;
      --cluster) cluster=1 ;;
      kafka-[0-9]*|etcd-[0-9]*) cluster=1; args+=("$a") ;;
      *)         args+=("$a") ;;
    esac
  done
  set -- "${args[@]}"
  if (( cluster )); then
    # The cluster has no secure listeners (an exported STACK_SECURE is ignored here).
    (( ! secure_flag )) || die "--secure and --cluster do not go together"
    # shellcheck source=scripts/stack-cluster.sh
    source "$SCRIPT_DIR/stack-cluster.sh"
    cluster_main "$@"
    return
  fi
  local cmd=${1:-help}; shift || true
  case $cmd in
    start|stop|status) parse_components "$cmd" "${1:-all}" yes ;;
    kill|pause|resume|restart|logs) parse_components "$cmd" "${1:-}" no ;;
  esac
  case $cmd in
    start)   cmd_start "${COMPS[@]}" ;;
    stop)    cmd_stop "${COMPS[@]}" ;;
    status)  cmd_status "${COMPS[@]}" ;;
    kill)    cmd_signal KILL "${COMPS[0]}" ;;
    pause)   cmd_signal STOP "${COMPS[0]}" ;;
    resume)  cmd_signal CONT "${COMPS[0]}" ;;
    restart) cmd_restart "${COMPS[0]}" ;;
    env)     if (( SECURE )); then cmd_env_secure "${1:-}"; else cmd_env; fi ;;
    logs)    cmd_logs "${COMPS[0]}" ;;
    help|-h|--help) usage ;;
    *)       usage >&2; exit 2 ;;
  esac
}

main "$@"
