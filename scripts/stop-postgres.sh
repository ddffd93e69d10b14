#!/usr/bin/env bash
# Stops the cluster started by scripts/start-postgres.sh and deletes its files.
set -euo pipefail

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
STATE="${PARLEY_PG_STATE:-/tmp/parley-postgres.state}"

if [ ! -f "$STATE" ]; then
  echo "stop-postgres: nothing to stop ($STATE not found)" >&2
  exit 0
fi
BASE="$(cat "$STATE")"
if [ -d "$BASE/data" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$BASE/data" -m fast -w -t 30 stop >/dev/null || true
  else
    "$PG_BIN/pg_ctl" -D "$BASE/data" -m fast -w -t 30 stop >/dev/null || true
  fi
fi
case "$BASE" in
  /tmp/parley-pg.*) rm -rf "$BASE" ;;
  *) echo "stop-postgres: not removing unexpected directory $BASE" >&2 ;;
esac
rm -f "$STATE"
echo "stopped"
