#!/usr/bin/env bash
# The local leadflow stack without Docker; the one script behind `make up` / `make down`.
# Kafka (KRaft, jars from Maven Central) and PostgreSQL (Debian package) keep their data in .run/,
# the four services run from .venv. Everything runs in the background; pids live in .run/pids.
#
#   deploy/stack.sh infra-up | infra-down | up | down | status | env
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN="$ROOT/.run"
LOGS="$RUN/logs"
PIDS="$RUN/pids"
PYTHON="$ROOT/.venv/bin/python"

KAFKA_PORT="${LEADFLOW_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${LEADFLOW_KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_POM="$ROOT/deploy/kafka/pom.xml"
KAFKA_LIBS="$RUN/kafka/libs"
PG_PORT="${LEADFLOW_PG_PORT:-5432}"
# Without a real CRM configured, handoff pushes to a sandbox CRM (the test suite's stub) on this port.
CRM_SANDBOX_PORT="${LEADFLOW_CRM_SANDBOX_PORT:-9100}"
USE_SANDBOX=$([[ -z ${HANDOFF_CRM__URL:-} ]] && echo 1 || echo 0)
PG_DATA="$RUN/pg/data"
PG_SOCK="$RUN/pg/sock"
PG_DATABASES=(leadflow_ingest leadflow_scoring leadflow_nurture leadflow_handoff leadflow_reporting)
SERVICES=(ingest scoring nurture handoff reporting)
declare -A DEFAULT_PORT=([ingest]=8001 [scoring]=8002 [nurture]=8003 [handoff]=8004 [reporting]=8005)
declare -A DATABASE=([ingest]=leadflow_ingest [scoring]=leadflow_scoring [nurture]=leadflow_nurture [handoff]=leadflow_handoff [reporting]=leadflow_reporting)

say() { printf '%s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
show_tail() { if [[ -f $1 ]]; then { say "--- last lines of $1:"; tail -n 30 "$1"; say "---"; } >&2; fi; }

# --- environment -------------------------------------------------------------------------------

emit() { printf 'export %s=%q\n' "$1" "$2"; }
# value of variable $1, or default $2 when unset/empty
var_or() { local v="${!1:-}"; printf '%s' "${v:-$2}"; }
svc_port() { var_or "${1^^}_HTTP__PORT" "${DEFAULT_PORT[$1]}"; }

print_env() {
  emit LEADFLOW_KAFKA_PORT "$KAFKA_PORT"
  emit LEADFLOW_KAFKA_CONTROLLER_PORT "$KAFKA_CONTROLLER_PORT"
  emit LEADFLOW_PG_PORT "$PG_PORT"
  emit LEADFLOW_CRM_SANDBOX_PORT "$CRM_SANDBOX_PORT"
  emit LEADFLOW_KAFKA__BOOTSTRAP_SERVERS "$(var_or LEADFLOW_KAFKA__BOOTSTRAP_SERVERS "127.0.0.1:$KAFKA_PORT")"
  emit LEADFLOW_CONFIG_DIR "$(var_or LEADFLOW_CONFIG_DIR "$ROOT/config")"
  local svc SVC
  for svc in "${SERVICES[@]}"; do
    SVC=${svc^^}
    emit "${SVC}_HTTP__HOST" "$(var_or "${SVC}_HTTP__HOST" 127.0.0.1)"
    emit "${SVC}_HTTP__PORT" "$(svc_port "$svc")"
    [[ -n ${DATABASE[$svc]:-} ]] && emit "${SVC}_DATABASE__URL" "$(var_or "${SVC}_DATABASE__URL" \
      "postgresql+asyncpg://leadflow:leadflow@127.0.0.1:$PG_PORT/${DATABASE[$svc]}")"
  done
  emit HANDOFF_CRM__URL "$(var_or HANDOFF_CRM__URL "http://127.0.0.1:$CRM_SANDBOX_PORT/leads")"
}

# --- processes and ports -----------------------------------------------------------------------

# Pid from .run/pids/$1.pid if that process is alive and its command line still contains $2
# (pids are reused after a reboot; never signal a stranger).
live_pid() {
  local f="$PIDS/$1.pid" pid cmd
  [[ -s $f ]] || return 1
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmd == *"$2"* ]] || return 1
  echo "$pid"
}
kafka_pid() { live_pid kafka 'kafka.Kafka '; }
svc_pid() { live_pid "$1" "-m $1 serve"; }
sandbox_pid() { live_pid crm-sandbox "-m tests.stubs.crm"; }
uses_sandbox() { [[ $USE_SANDBOX == 1 ]]; }

# Start "$@" detached (own session, survives the terminal), output to log $2, pid into pidfile $1.
start_bg() {
  local pidfile=$1 log=$2; shift 2
  rm -f "$pidfile"
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner bash, which then becomes the program
  setsid bash -c 'echo $$ >"$0"; exec nohup "$@"' "$pidfile" "$@" >"$log" 2>&1 </dev/null &
  for _ in {1..50}; do [[ -s $pidfile ]] && return 0; sleep 0.1; done
  die "could not start $* (see $log)"
}

# SIGTERM, then SIGKILL after $3 seconds; reports what it stopped.
stop_pid() {
  local name=$1 pid=$2 timeout=$3
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; say "killed $name (pid $pid, no exit after ${timeout}s)"
  else say "stopped $name (pid $pid)"; fi
}

# Fail with a clear message if TCP port $1 is taken by anyone but pid $2 (may be empty).
check_port() {
  local port=$1 ours=$2 what=$3 var=$4 listeners holders
  listeners=$(ss -ltnpH "sport = :$port" 2>/dev/null || true)
  [[ -z $listeners ]] && return 0
  [[ -n $ours && $listeners == *"pid=$ours,"* ]] && return 0
  holders=$(grep -oE '"[^"]+",pid=[0-9]+' <<<"$listeners" | sort -u |
    sed -E 's/"([^"]+)",pid=([0-9]+)/\1 (pid \2)/' | paste -sd, - || true)
  die "port $port ($what) is already taken by ${holders:-another process}. Stop it, or choose another port, e.g. $var=<free port> make up"
}

# Poll "$@" once a second (one dot each) until it succeeds; give up at $SECONDS == $2 or when pid $3 dies.
wait_for() {
  local what=$1 deadline=$2 pid=$3 log=$4; shift 4
  printf 'waiting for %s' "$what"
  while ((SECONDS < deadline)); do
    if "$@" >/dev/null 2>&1; then say " ready"; return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then say " exited"; show_tail "$log"; die "$what exited during start-up (log: $log)"; fi
    printf '.'; sleep 1
  done
  say " timeout"; show_tail "$log"; die "$what is not ready (log: $log)"
}

# --- Kafka -------------------------------------------------------------------------------------

# A bare TCP connect succeeds before the broker serves requests, so send a real ApiVersions request.
kafka_answers() {
  python3 -c '
import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
req = struct.pack(">hhih", 18, 0, 7, 5) + b"stack"  # ApiVersions v0, correlation id 7, client id
s.sendall(struct.pack(">i", len(req)) + req)
buf = b""
while len(buf) < 10 and (chunk := s.recv(64)):
    buf += chunk
sys.exit(len(buf) < 10 or struct.unpack(">iih", buf[:10])[1:] != (7, 0))' "$KAFKA_PORT"
}

kafka_fetch() {
  local version
  version=$(grep -A1 '<artifactId>kafka_2.13</artifactId>' "$KAFKA_POM" | grep -oE '[0-9]+\.[0-9]+\.[0-9]+')
  [[ -f $KAFKA_LIBS/kafka_2.13-$version.jar ]] && return 0
  command -v mvn >/dev/null || die "mvn not found; install Maven (apt-get install -y maven)"
  say "fetching Apache Kafka $version from Maven Central ..."
  rm -rf "$KAFKA_LIBS"  # never mix jars of two versions on one classpath
  mvn -q -B -f "$KAFKA_POM" dependency:copy-dependencies -DoutputDirectory="$KAFKA_LIBS" -DincludeScope=runtime \
    >"$LOGS/maven.log" 2>&1 || { show_tail "$LOGS/maven.log"; die "could not fetch Kafka from Maven Central"; }
}

kafka_write_config() {
  cat >"$RUN/kafka/server.properties" <<EOF
# generated by deploy/stack.sh on every infra-up; edit the script, not this file
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$RUN/kafka/data
num.partitions=6
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
EOF
  cat >"$RUN/kafka/log4j.properties" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$LOGS/kafka.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
# the chatty ones
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.controller=WARN
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.org.apache.kafka.controller=WARN
log4j.logger.org.apache.kafka.clients=WARN
EOF
}

kafka_java() { java -cp "$KAFKA_LIBS/*" -Dlog4j.configuration="file:$RUN/kafka/log4j.properties" "$@"; }

kafka_up() {
  local pid
  if pid=$(kafka_pid); then
    kafka_answers || wait_for kafka $((SECONDS + 60)) "$pid" "$LOGS/kafka.log" kafka_answers
    say "kafka already running (pid $pid)"
    return 0
  fi
  kafka_fetch
  mkdir -p "$RUN/kafka/data"
  kafka_write_config
  if [[ ! -f $RUN/kafka/data/meta.properties ]]; then  # KRaft storage is formatted exactly once
    say "formatting Kafka storage in .run/kafka/data"
    kafka_java kafka.tools.StorageTool format -c "$RUN/kafka/server.properties" \
      -t "$(kafka_java kafka.tools.StorageTool random-uuid)" >/dev/null
  fi
  say "starting Kafka on 127.0.0.1:$KAFKA_PORT"
  # one open file per partition segment: a broker that tests create many topics on needs many
  ulimit -n 1000000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
  start_bg "$PIDS/kafka.pid" "$LOGS/kafka.out" java -Xms256m -Xmx768m -cp "$KAFKA_LIBS/*" \
    -Dlog4j.configuration="file:$RUN/kafka/log4j.properties" kafka.Kafka "$RUN/kafka/server.properties"
  wait_for kafka $((SECONDS + 60)) "$(<"$PIDS/kafka.pid")" "$LOGS/kafka.log" kafka_answers
}

kafka_down() {
  local pid
  if pid=$(kafka_pid); then stop_pid kafka "$pid" 30; fi
  rm -f "$PIDS/kafka.pid"
}

# --- PostgreSQL --------------------------------------------------------------------------------

pg_bin() { find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sort -V | tail -n1 | sed 's|$|/bin|'; }
# PostgreSQL refuses to run as root: as root, run its tools as the postgres system user.
as_pg() { if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_pid() {
  local pid
  pid=$(head -n1 "$PG_DATA/postmaster.pid" 2>/dev/null) && [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) == *"$PG_DATA"* ]] || return 1
  echo "$pid"
}

pg_install() {
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && return 0
  ((EUID == 0)) || die "PostgreSQL server binaries missing; run: sudo apt-get install -y postgresql"
  say "installing PostgreSQL (Debian package) ..."
  # the package would create and start its own cluster on 5432; we only want the binaries
  mkdir -p /etc/postgresql-common
  [[ -f /etc/postgresql-common/createcluster.conf ]] || echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.conf
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
}

pg_prepare_dirs() {
  mkdir -p "$PG_DATA" "$PG_SOCK"
  touch "$LOGS/postgres.log"
  ((EUID == 0)) || return 0
  id postgres >/dev/null 2>&1 || useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres
  chown postgres:postgres "$PG_DATA" "$PG_SOCK" "$LOGS/postgres.log"
  chmod 700 "$PG_DATA"
  # the postgres user must be able to walk down to the data dir
  local d="$RUN/pg"
  while [[ $d != / ]]; do
    runuser -u postgres -- test -x "$d" || { say "making $d traversable for the postgres user"; chmod o+x "$d"; }
    d=$(dirname "$d")
  done
}

pg_up() {
  local bin pid
  if pid=$(pg_pid); then
    say "postgres already running (pid $pid)"
  else
    pg_install
    bin=$(pg_bin)
    pg_prepare_dirs
    if [[ ! -f $PG_DATA/PG_VERSION ]]; then
      say "initialising PostgreSQL cluster in .run/pg/data"
      as_pg "$bin/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >/dev/null
      echo "include_if_exists = 'leadflow.conf'" >>"$PG_DATA/postgresql.conf"
    fi
    # rewritten on every start so a changed LEADFLOW_PG_PORT takes effect
    printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\nmax_connections = 200\n" \
      "$PG_PORT" "$PG_SOCK" >"$PG_DATA/leadflow.conf"
    ((EUID == 0)) && chown postgres:postgres "$PG_DATA/leadflow.conf"
    say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    as_pg "$bin/pg_ctl" -D "$PG_DATA" -l "$LOGS/postgres.log" -w -t 60 start >/dev/null ||
      { show_tail "$LOGS/postgres.log"; die "PostgreSQL did not start"; }
  fi
  pg_create_databases
}

# Idempotent: role leadflow/leadflow and one database per service, owned by it.
pg_create_databases() {
  local dbs
  dbs=$(printf "'%s'," "${PG_DATABASES[@]}")
  as_pg "$(pg_bin)/psql" -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 >/dev/null <<SQL
SELECT 'CREATE ROLE leadflow' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'leadflow')\gexec
ALTER ROLE leadflow WITH LOGIN CREATEDB PASSWORD 'leadflow';
SELECT format('CREATE DATABASE %I OWNER leadflow', d) FROM unnest(ARRAY[${dbs%,}]) AS d
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = d)\gexec
SQL
  say "postgres databases ready: ${PG_DATABASES[*]} (role leadflow)"
}

pg_down() {
  pg_pid >/dev/null || return 0
  as_pg "$(pg_bin)/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null && say "stopped postgres"
}

# --- services ----------------------------------------------------------------------------------

services_up() {
  local svc pid port deadline=$((SECONDS + 90))
  eval "$(print_env)"
  say "creating topics and running migrations"
  "$PYTHON" -m lead_runtime.topics create || die "could not create the Kafka topics (see above)"
  for svc in "${SERVICES[@]}"; do
    "$PYTHON" -m "$svc" migrate || die "migrating the $svc database failed (see above)"
  done
  if uses_sandbox && ! sandbox_pid >/dev/null; then
    start_bg "$PIDS/crm-sandbox.pid" "$LOGS/crm-sandbox.log" "$PYTHON" -m tests.stubs.crm --port "$CRM_SANDBOX_PORT"
  fi
  for svc in "${SERVICES[@]}"; do
    if pid=$(svc_pid "$svc"); then say "$svc already running (pid $pid)"; continue; fi
    start_bg "$PIDS/$svc.pid" "$LOGS/$svc.log" "$PYTHON" -m "$svc" serve
  done
  for svc in "${SERVICES[@]}"; do
    port=$(svc_port "$svc")
    wait_for "$svc" "$deadline" "$(<"$PIDS/$svc.pid")" "$LOGS/$svc.log" \
      curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/readyz"
  done
  say ""
  printf '%-9s %-24s %-8s %s\n' SERVICE URL PID LOG
  for svc in "${SERVICES[@]}"; do
    printf '%-9s %-24s %-8s %s\n' "$svc" "http://127.0.0.1:$(svc_port "$svc")" "$(<"$PIDS/$svc.pid")" ".run/logs/$svc.log"
  done
  if pid=$(sandbox_pid); then
    printf '%-9s %-24s %-8s %s\n' crm "http://127.0.0.1:$CRM_SANDBOX_PORT/leads" "$pid" ".run/logs/crm-sandbox.log (sandbox CRM)"
  fi
}

services_down() {
  local svc pid
  for svc in "${SERVICES[@]}"; do
    if pid=$(svc_pid "$svc"); then stop_pid "$svc" "$pid" 20; fi
    rm -f "$PIDS/$svc.pid"
  done
  if pid=$(sandbox_pid); then stop_pid crm-sandbox "$pid" 10; fi
  rm -f "$PIDS/crm-sandbox.pid"
}

# --- commands ----------------------------------------------------------------------------------

infra_up() {
  mkdir -p "$LOGS" "$PIDS" "$RUN/kafka"
  command -v python3 >/dev/null || die "python3 not found"
  command -v java >/dev/null || die "java not found; install a JRE 17 (apt-get install -y openjdk-17-jre-headless)"
  # check every port before starting anything, so a conflict leaves nothing half-started
  if ! kafka_pid >/dev/null; then
    check_port "$KAFKA_PORT" "" "Kafka" LEADFLOW_KAFKA_PORT
    check_port "$KAFKA_CONTROLLER_PORT" "" "Kafka controller" LEADFLOW_KAFKA_CONTROLLER_PORT
  fi
  pg_pid >/dev/null || check_port "$PG_PORT" "" "PostgreSQL" LEADFLOW_PG_PORT
  kafka_up
  pg_up
}

infra_down() { kafka_down; pg_down; }

up() {
  [[ -x $PYTHON ]] || die "$PYTHON not found: create the virtualenv first ('make venv'; 'make up' does it for you)"
  local svc pid
  for svc in "${SERVICES[@]}"; do  # fail before starting anything if a service port is taken
    pid=$(svc_pid "$svc") || pid=""
    check_port "$(svc_port "$svc")" "$pid" "$svc" "${svc^^}_HTTP__PORT"
  done
  if uses_sandbox; then
    pid=$(sandbox_pid) || pid=""
    check_port "$CRM_SANDBOX_PORT" "$pid" "sandbox CRM" LEADFLOW_CRM_SANDBOX_PORT
  fi
  infra_up
  services_up
}

status_line() {  # name pid-or-empty where
  if [[ -n $2 ]]; then printf '%-9s running  pid %-8s %s\n' "$1" "$2" "$3"
  else printf '%-9s stopped  %-12s %s\n' "$1" "" "$3"; fi
}

status() {
  local svc pid url
  status_line kafka "$(kafka_pid || true)" "127.0.0.1:$KAFKA_PORT"
  status_line postgres "$(pg_pid || true)" "127.0.0.1:$PG_PORT"
  for svc in "${SERVICES[@]}"; do
    pid=$(svc_pid "$svc" || true)
    url="http://127.0.0.1:$(svc_port "$svc")"
    [[ -n $pid ]] && ! curl -fsS -o /dev/null --max-time 2 "$url/readyz" 2>/dev/null && url+=" (not ready)"
    status_line "$svc" "$pid" "$url"
  done
  status_line crm "$(sandbox_pid || true)" "http://127.0.0.1:$CRM_SANDBOX_PORT/leads (sandbox)"
}

main() {
  cd "$ROOT"
  case "${1:-}" in
    infra-up) infra_up ;;
    infra-down) infra_down ;;
    up) up ;;
    down) services_down; infra_down ;;
    status) status ;;
    env) print_env ;;
    *) die "usage: $0 infra-up|infra-down|up|down|status|env" ;;
  esac
}

# sourcing the script (tests do) only defines things
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then main "$@"; fi
