#!/usr/bin/env bash
# -----------------------------------------------------------------------------
# scripts/stack.sh — local infrastructure for the gateway, without Docker.
#
# Runs a real single-node Apache Kafka (KRaft, combined broker+controller) and a
# real single-node etcd as detached background processes. Everything they need
# (Kafka jars, configs, data, logs, pid files) lives in the stack folder
# ${STACK_DIR:-<repo>/.stack}, which is git-ignored.
#
# Usage: scripts/stack.sh <command> [component]
#   start   [kafka|etcd|all]   start (or find already running) components, wait
#                              until they are ready; default: all
#   stop    [kafka|etcd|all]   SIGTERM, up to 30 s, then SIGKILL
#   status  [kafka|etcd|all]   one line per component; exit 0 if all up, else 3
#   kill    <kafka|etcd>       SIGKILL (fault injection)
#   pause   <kafka|etcd>       SIGSTOP (fault injection)
#   resume  <kafka|etcd>       SIGCONT
#   restart <kafka|etcd>       stop (if running) and start again on the same data
#   env                        print `export KAFKA_BROKERS=…` / `ETCD_ENDPOINTS=…`
#   logs    <kafka|etcd>       show the log (follows it when run on a terminal)
#
# Environment:
#   STACK_DIR       stack folder (default: <repo>/.stack)
#   KAFKA_BROKERS   if set, Kafka is provided elsewhere and is never started here
#   ETCD_ENDPOINTS  if set, etcd is provided elsewhere and is never started here
#   KAFKA_EXTRA_PROPERTIES  lines appended to the generated server.properties
#                   (a later line wins), e.g. $'num.io.threads=2\nnum.network.threads=1'
#   KAFKA_GC_OPTS   the broker's GC flags (default: -XX:+UseG1GC -XX:MaxGCPauseMillis=20)
#   KAFKA_JAVA_OPTS extra JVM flags, e.g. -Xlog:gc:file=/tmp/kafka-gc.log
#
# Ports are fixed: Kafka 127.0.0.1:9092 (controller 9093), etcd 127.0.0.1:2379
# (peer 2380). If a port is already served by a process that is not ours (e.g.
# a Kafka you run yourself) the component is reported as "external" and used.
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
LOG_DIR="$STACK_DIR/logs"
LOCK_FILE="$STACK_DIR/.lock"

# Kafka logs this (KafkaRaftServer) once the broker is unfenced and serving.
KAFKA_STARTED_MARKER='Kafka Server started'

COMPONENTS=(etcd kafka)   # start order: etcd is quick, Kafka is the long pole

# ---- small helpers -----------------------------------------------------------
say()  { printf '%s\n' "$*"; }
note() { printf 'note: %s\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# One status line: "kafka  running  pid 1234  127.0.0.1:9092  (extra)"
line() { # <component> <state> <pid-text> <address> [extra]
  printf '%-5s  %-8s  %-10s  %s%s\n' "$1" "$2" "$3" "$4" "${5:+  ($5)}"
}

pid_file() { printf '%s/%s.pid' "$STACK_DIR" "$1"; }
log_file() { printf '%s/%s.log' "$LOG_DIR" "$1"; }
addr_of()  { if [[ $1 == kafka ]]; then echo "$HOST:$KAFKA_PORT"; else echo "http://$HOST:$ETCD_PORT"; fi; }
env_var()  { if [[ $1 == kafka ]]; then echo KAFKA_BROKERS; else echo ETCD_ENDPOINTS; fi; }

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
  if [[ $comp == kafka ]]; then marker="$KAFKA_CONF"; else marker="$ETCD_DATA"; fi
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
  [[ $cmd == *"$marker"* ]] && echo "$pid"
  return 0
}

# Drop a pid file that no longer points at our process.
clean_stale_pid() { [[ -n "$(our_pid "$1")" ]] || rm -f "$(pid_file "$1")"; }

# Keep one previous generation of a log; every start gets a fresh file, so the
# readiness check (grep for the "started" line) only ever sees the current run.
rotate_log() { [[ -f $1 ]] && mv -f "$1" "$1.1"; return 0; }

# Serialise start/stop/restart so two concurrent `start`s don't race.
take_lock() {
  mkdir -p "$STACK_DIR"
  exec 9>"$LOCK_FILE"
  flock -w 300 9 || die "another stack.sh is still busy (lock $LOCK_FILE)"
}

# ---- readiness probes --------------------------------------------------------
# Kafka is ready when the port accepts connections, the server log of this run
# says "Kafka Server started" (logged only after the broker is unfenced), and —
# if kcat is installed — the broker answers a metadata request.
kafka_ready() {
  port_open "$HOST" "$KAFKA_PORT" || return 1
  grep -qF "$KAFKA_STARTED_MARKER" "$(log_file kafka)" 2>/dev/null || return 1
  if command -v kcat >/dev/null; then
    kcat -b "$HOST:$KAFKA_PORT" -L -m 5 >/dev/null 2>&1 || return 1
  fi
}

# etcd is ready when /health says {"health":"true"}.
etcd_ready_at() { curl -fsS --max-time 2 "$1/health" 2>/dev/null | grep -q '"health":"true"'; }
etcd_ready() { etcd_ready_at "http://$HOST:$ETCD_PORT"; }

# Is an externally provided endpoint (KAFKA_BROKERS / ETCD_ENDPOINTS) reachable?
env_endpoint_up() {
  local comp=$1 first hostport
  if [[ $comp == kafka ]]; then
    first="${KAFKA_BROKERS%%,*}"; hostport="${first#*://}"
    port_open "${hostport%:*}" "${hostport##*:}"
  else
    first="${ETCD_ENDPOINTS%%,*}"
    [[ $first == *://* ]] || first="http://$first"
    etcd_ready_at "$first"
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

# Install/resolve what the components we are about to start need.
ensure_prereqs() { # <components…>
  local c
  for c in "$@"; do
    case $c in
      # Nothing to install for a component that is provided elsewhere, already
      # running, or whose port is served by someone else ("external").
      etcd)  [[ -n ${ETCD_ENDPOINTS:-} || -n "$(our_pid etcd)" ]] && continue
             port_open "$HOST" "$ETCD_PORT" && continue
             need etcd etcd-server etcd-client ;;
      kafka) want_kcat
             [[ -n ${KAFKA_BROKERS:-} || -n "$(our_pid kafka)" ]] && continue
             port_open "$HOST" "$KAFKA_PORT" && continue
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
  cat >"$KAFKA_CONF" <<EOF
# Generated by scripts/stack.sh — edits are overwritten on the next start.
# Single node, KRaft mode, combined broker + controller, static quorum.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DATA

# Topics: the services create their own topics, nothing is auto-created.
auto.create.topics.enable=false
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
# No 3 s wait before the first consumer-group rebalance (speeds up tests).
group.initial.rebalance.delay.ms=0

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
${KAFKA_EXTRA_PROPERTIES:+
# From KAFKA_EXTRA_PROPERTIES (a later line wins over an earlier one).
$KAFKA_EXTRA_PROPERTIES}
EOF
  # Broker logging: INFO to a file only (nothing on the console), in Log4j 2 properties syntax.
  cat >"$KAFKA_LOG4J" <<EOF
# Generated by scripts/stack.sh (Log4j 2 properties syntax).
status = warn
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = $(log_file kafka)
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
  # For Kafka's CLI tools (storage format, TopicCommand, …): warnings to stderr.
  # Use: java -Dlog4j2.configurationFile=$KAFKA_TOOLS_LOG4J -cp '$KAFKA_LIBS/*' …
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

# Format the KRaft storage once, with a random cluster id. A Kafka cluster id is
# 16 random bytes in URL-safe base64 without padding; one starting with '-' is
# avoided (it would look like a command-line flag).
format_kafka_storage() {
  [[ -f $KAFKA_DATA/meta.properties ]] && return 0
  local id=-
  while [[ $id == -* ]]; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
  done
  say "formatting Kafka storage (cluster id $id) …"
  java -Dlog4j2.configurationFile="$KAFKA_TOOLS_LOG4J" -cp "$KAFKA_LIBS/*" \
    kafka.tools.StorageTool format --cluster-id "$id" --config "$KAFKA_CONF" \
    >"$LOG_DIR/kafka-format.log" 2>&1 \
    || { cat "$LOG_DIR/kafka-format.log" >&2; die "kafka storage format failed"; }
}

launch_kafka() {
  port_open "$HOST" "$KAFKA_CONTROLLER_PORT" \
    && die "port $KAFKA_CONTROLLER_PORT (Kafka controller) is in use by another process"
  write_kafka_config
  format_kafka_storage
  rotate_log "$(log_file kafka)"; rotate_log "$LOG_DIR/kafka.out"
  local java_opts=(
    -Xms256m -Xmx512m ${KAFKA_GC_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20}
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$KAFKA_LOG4J" "-Dkafka.logs.dir=$LOG_DIR"
  )
  # KAFKA_JAVA_OPTS: extra JVM flags (a later flag wins over an earlier one).
  [[ -n ${KAFKA_JAVA_OPTS:-} ]] && read -r -a extra_opts <<<"$KAFKA_JAVA_OPTS" && java_opts+=("${extra_opts[@]}")
  # JVM stdout/stderr (crashes, early errors) go to kafka.out.
  spawn kafka "$LOG_DIR/kafka.out" \
    java "${java_opts[@]}" -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_CONF"
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
      [[ $comp == kafka ]] && tail -n 10 "$LOG_DIR/kafka.out" >&2 2>/dev/null
      die "$comp exited during start-up (logs: $LOG_DIR)"
    fi
    "${comp}_ready" && return 0
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
declare -A LAUNCHED=() STARTED_AT=()
start_one() {
  local comp=$1 var pid port
  var="$(env_var "$comp")"
  if [[ -n ${!var:-} ]]; then
    line "$comp" external "-" "${!var}" "$var is set; not starting"
    return 0
  fi
  clean_stale_pid "$comp"
  pid="$(our_pid "$comp")"
  if [[ -n $pid ]]; then
    if [[ "$(proc_state "$pid")" == T ]]; then
      note "$comp (pid $pid) was paused; resuming it"
      kill -CONT "$pid"
    fi
    if "${comp}_ready"; then
      line "$comp" running "pid $pid" "$(addr_of "$comp")" "already running"
    else
      # Ours but not ready yet (e.g. just restarted elsewhere): wait for it.
      STARTED_AT[$comp]="$(now_ms)"; LAUNCHED[$comp]=1
    fi
    return 0
  fi
  if [[ $comp == kafka ]]; then port=$KAFKA_PORT; else port=$ETCD_PORT; fi
  if port_open "$HOST" "$port"; then
    line "$comp" external "-" "$(addr_of "$comp")" "port served by a process not started here; using it"
    return 0
  fi
  STARTED_AT[$comp]="$(now_ms)"
  "launch_$comp"
  LAUNCHED[$comp]=1
}

cmd_start() { # <components…>
  take_lock
  ensure_prereqs "$@"
  local c
  # Launch everything first, then wait, so etcd and Kafka boot in parallel.
  for c in "$@"; do start_one "$c"; done
  for c in "$@"; do
    [[ -n ${LAUNCHED[$c]:-} ]] || continue
    if [[ $c == kafka ]]; then wait_ready kafka "$KAFKA_READY_TIMEOUT"; else wait_ready etcd "$ETCD_READY_TIMEOUT"; fi
    line "$c" running "pid $(our_pid "$c")" "$(addr_of "$c")" "ready in $(secs_since "${STARTED_AT[$c]}")"
  done
}

cmd_stop() { # <components…>
  take_lock
  local c pid var
  for c in "$@"; do
    var="$(env_var "$c")"
    pid="$(our_pid "$c")"
    if [[ -z $pid ]]; then
      rm -f "$(pid_file "$c")"
      if [[ -n ${!var:-} ]]; then
        line "$c" external "-" "${!var}" "$var is set; left alone"
      elif { [[ $c == kafka ]] && port_open "$HOST" "$KAFKA_PORT"; } ||
           { [[ $c == etcd ]] && port_open "$HOST" "$ETCD_PORT"; }; then
        line "$c" external "-" "$(addr_of "$c")" "not started here; left alone"
      else
        line "$c" stopped "-" "$(addr_of "$c")"
      fi
      continue
    fi
    local t0; t0="$(now_ms)"
    if signal_and_wait "$pid" TERM "$STOP_TIMEOUT"; then
      rm -f "$(pid_file "$c")"
      line "$c" stopped "pid $pid" "$(addr_of "$c")" "SIGTERM, $(secs_since "$t0")"
    else
      signal_and_wait "$pid" KILL 10 || die "$c (pid $pid) survived SIGKILL"
      rm -f "$(pid_file "$c")"
      line "$c" stopped "pid $pid" "$(addr_of "$c")" "SIGKILL after ${STOP_TIMEOUT}s"
    fi
  done
}

# Status of one component; returns 0 if it is up.
status_one() {
  local comp=$1 var pid port
  var="$(env_var "$comp")"
  if [[ -n ${!var:-} ]]; then
    if env_endpoint_up "$comp"; then line "$comp" external "-" "${!var}" "from $var"; return 0; fi
    line "$comp" down "-" "${!var}" "from $var; not reachable"; return 1
  fi
  pid="$(our_pid "$comp")"
  if [[ -n $pid ]]; then
    if [[ "$(proc_state "$pid")" == T ]]; then line "$comp" paused "pid $pid" "$(addr_of "$comp")"; return 1; fi
    if "${comp}_ready"; then line "$comp" running "pid $pid" "$(addr_of "$comp")"; return 0; fi
    line "$comp" starting "pid $pid" "$(addr_of "$comp")" "not ready"; return 1
  fi
  if [[ $comp == kafka ]]; then port=$KAFKA_PORT; else port=$ETCD_PORT; fi
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
  ( cmd_stop "$1" )   # subshell: releases the lock when done
  cmd_start "$1"
}

cmd_env() {
  printf 'export KAFKA_BROKERS=%q\n' "${KAFKA_BROKERS:-$HOST:$KAFKA_PORT}"
  printf 'export ETCD_ENDPOINTS=%q\n' "${ETCD_ENDPOINTS:-http://$HOST:$ETCD_PORT}"
}

cmd_logs() { # <component>
  local f; f="$(log_file "$1")"
  [[ -f $f ]] || die "no log yet: $f"
  if [[ -t 1 ]]; then tail -n 100 -F "$f"; else tail -n 200 "$f"; fi
}

usage() { sed -n '/^# Usage:/,/^# Environment:/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

# Component argument → global COMPS. "all" (or nothing, where allowed) means
# every component; otherwise exactly one of kafka / etcd.
COMPS=()
parse_components() { # <arg> <all-allowed: yes|no>
  case ${1:-all} in
    all)        [[ $2 == yes ]] || die "a component is required: kafka or etcd"
                COMPS=("${COMPONENTS[@]}") ;;
    kafka|etcd) COMPS=("$1") ;;
    *)          die "unknown component '$1' (expected kafka or etcd$([[ $2 == yes ]] && echo ' or all'))" ;;
  esac
}

main() {
  local cmd=${1:-help}; shift || true
  case $cmd in
    start|stop|status) parse_components "${1:-all}" yes ;;
    kill|pause|resume|restart|logs) parse_components "${1:-}" no ;;
  esac
  case $cmd in
    start)   cmd_start "${COMPS[@]}" ;;
    stop)    cmd_stop "${COMPS[@]}" ;;
    status)  cmd_status "${COMPS[@]}" ;;
    kill)    cmd_signal KILL "${COMPS[0]}" ;;
    pause)   cmd_signal STOP "${COMPS[0]}" ;;
    resume)  cmd_signal CONT "${COMPS[0]}" ;;
    restart) cmd_restart "${COMPS[0]}" ;;
    env)     cmd_env ;;
    logs)    cmd_logs "${COMPS[0]}" ;;
    help|-h|--help) usage ;;
    *)       usage >&2; exit 2 ;;
  esac
}

main "$@"
