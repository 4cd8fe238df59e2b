#!/usr/bin/env bash
# A second Kafka broker and PostgreSQL cluster for the fault drills that restart them, so the
# shared ones on the default ports are never touched. Reuses deploy/stack.sh's functions with
# its run directories pointed at .run/faults/ (sourcing the script only defines things).
#
#   LEADFLOW_KAFKA_PORT=.. LEADFLOW_KAFKA_CONTROLLER_PORT=.. LEADFLOW_PG_PORT=.. \
#     bash tests/faults/side_infra.sh kafka-up|kafka-down|pg-up|pg-down|wipe
set -euo pipefail
: "${LEADFLOW_KAFKA_PORT:?}" "${LEADFLOW_KAFKA_CONTROLLER_PORT:?}" "${LEADFLOW_PG_PORT:?}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../../deploy/stack.sh
source "$HERE/../../deploy/stack.sh"
RUN="$ROOT/.run/faults"
LOGS="$RUN/logs"
PIDS="$RUN/pids"
PG_DATA="$RUN/pg/data"
PG_SOCK="$RUN/pg/sock"
mkdir -p "$LOGS" "$PIDS" "$RUN/kafka"
cd "$ROOT"
case "${1:-}" in
  kafka-up) kafka_up ;;
  kafka-down) kafka_down ;;
  pg-up) pg_up ;;
  pg-down) pg_down ;;
  wipe) kafka_down; pg_down; rm -rf "$RUN/kafka/data" "$RUN/pg" ;;
  *) die "usage: $0 kafka-up|kafka-down|pg-up|pg-down|wipe" ;;
esac
