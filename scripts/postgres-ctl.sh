#!/usr/bin/env bash
# Stops or restarts the throwaway cluster of scripts/start-postgres.sh without
# removing it, for the directory-outage fault test:
#   scripts/postgres-ctl.sh stop|start
# Same environment as start-postgres.sh (PG_BIN, PARLEY_PG_PORT, PARLEY_PG_STATE).
set -euo pipefail

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PORT="${PARLEY_PG_PORT:-55432}"
STATE="${PARLEY_PG_STATE:-/tmp/parley-postgres.state}"
[ -f "$STATE" ] || { echo "postgres-ctl: no cluster ($STATE not found); run scripts/start-postgres.sh" >&2; exit 1; }
BASE="$(cat "$STATE")"
if [ "$(id -u)" -eq 0 ]; then as_pg() { runuser -u postgres -- "$@"; }; else as_pg() { "$@"; }; fi

case "${1:-}" in
  stop) as_pg "$PG_BIN/pg_ctl" -D "$BASE/data" -m fast -w -t 30 stop >/dev/null ;;
  start)
    as_pg "$PG_BIN/pg_ctl" -D "$BASE/data" -l "$BASE/postgres.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $BASE" start >/dev/null
    ;;
  *) echo "usage: scripts/postgres-ctl.sh stop|start" >&2; exit 2 ;;
esac
echo "postgres: $1 done"
