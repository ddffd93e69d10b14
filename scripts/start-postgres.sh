#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the directory tests
# (`npm run test:pg`) and prints the URL to export:
#
#   eval "$(scripts/start-postgres.sh | grep ^PARLEY_TEST_PG_URL=)" && export PARLEY_TEST_PG_URL
#   npm run test:pg
#   scripts/stop-postgres.sh
#
# Meant for CI on Debian with the `postgresql` package (15): run as root, the
# cluster runs as the `postgres` user; run as another user, it runs as that
# user. Trust auth, listening on 127.0.0.1 only. On GitHub Actions the URL is
# also appended to $GITHUB_ENV.
#
# Environment: PG_BIN (default /usr/lib/postgresql/15/bin),
# PARLEY_PG_PORT (55432), PARLEY_PG_DB (parley),
# PARLEY_PG_STATE (file remembering the cluster dir, /tmp/parley-postgres.state),
# PARLEY_PG_START_TIMEOUT (seconds, 30).
set -euo pipefail

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PORT="${PARLEY_PG_PORT:-55432}"
DB="${PARLEY_PG_DB:-parley}"
STATE="${PARLEY_PG_STATE:-/tmp/parley-postgres.state}"
TIMEOUT="${PARLEY_PG_START_TIMEOUT:-30}"

if [ ! -x "$PG_BIN/initdb" ]; then
  echo "start-postgres: no initdb in $PG_BIN (install postgresql or set PG_BIN)" >&2
  exit 1
fi
if [ -f "$STATE" ] && [ -d "$(cat "$STATE")" ]; then
  echo "start-postgres: a cluster is already running from $(cat "$STATE"); run scripts/stop-postgres.sh first" >&2
  exit 1
fi

BASE="$(mktemp -d /tmp/parley-pg.XXXXXX)"
if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$BASE"
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi
echo "$BASE" > "$STATE"

as_pg "$PG_BIN/initdb" -D "$BASE/data" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$BASE/initdb.log" 2>&1 || {
  cat "$BASE/initdb.log" >&2
  exit 1
}

# The socket goes in the cluster's own directory: /var/run/postgresql may not
# exist or may belong to a system cluster.
as_pg "$PG_BIN/pg_ctl" -D "$BASE/data" -l "$BASE/postgres.log" -w -t "$TIMEOUT" \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $BASE" start >/dev/null || {
  cat "$BASE/postgres.log" >&2
  exit 1
}

for _ in $(seq 1 "$TIMEOUT"); do
  if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres; then break; fi
  sleep 1
done
"$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres || {
  echo "start-postgres: server not ready after ${TIMEOUT}s" >&2
  cat "$BASE/postgres.log" >&2
  exit 1
}

"$PG_BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"

URL="postgres://postgres@127.0.0.1:$PORT/$DB"
if [ -n "${GITHUB_ENV:-}" ]; then echo "PARLEY_TEST_PG_URL=$URL" >> "$GITHUB_ENV"; fi
echo "PARLEY_TEST_PG_URL=$URL"
