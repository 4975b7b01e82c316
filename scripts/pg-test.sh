#!/usr/bin/env bash
# Runs a command with YATA_TEST_PG_URL naming a PostgreSQL database for the
# store tests:
#
#     scripts/pg-test.sh cargo test -p yata-store -p yata-cli
#
# If YATA_TEST_PG_URL is already set, the command just runs. Otherwise this
# makes a throwaway PostgreSQL 15 cluster in a temporary directory (initdb +
# pg_ctl as the `postgres` OS user when run as root), listening on 127.0.0.1
# on a free port, creates the database `yata_test`, runs the command, and
# stops the cluster and removes the directory on exit. Each test creates and
# drops its own database on that server, so tests run in parallel.
#
# The cluster is for tests only: fsync and synchronous commit are off.
set -euo pipefail

if [[ -n "${YATA_TEST_PG_URL:-}" ]]; then
    exec "$@"
fi

bindir="${YATA_PG_BINDIR:-/usr/lib/postgresql/15/bin}"
if [[ ! -x "$bindir/initdb" ]]; then
    if [[ "$(id -u)" == 0 ]]; then
        apt-get install -y -qq postgresql-15 >/dev/null \
            || { apt-get update -qq && apt-get install -y -qq postgresql-15 >/dev/null; }
    fi
    if [[ ! -x "$bindir/initdb" ]]; then
        echo "error: PostgreSQL server binaries not found in $bindir (set YATA_PG_BINDIR)" >&2
        exit 1
    fi
fi

# As root, the server runs as `postgres` (it refuses to run as root).
if [[ "$(id -u)" == 0 ]]; then
    as_pg() { runuser -u postgres -- "$@"; }
else
    as_pg() { "$@"; }
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/yata-pg.XXXXXX")"
[[ "$(id -u)" == 0 ]] && chown postgres: "$tmp"
cleanup() {
    as_pg "$bindir/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT

as_pg "$bindir/initdb" -D "$tmp/data" -U postgres --auth=trust -E UTF8 --locale=C \
    >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log" >&2; exit 1; }
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
as_pg "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $tmp -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
as_pg "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres yata_test

export YATA_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/yata_test"
echo "pg-test: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') at $YATA_TEST_PG_URL" >&2
"$@"
