#!/usr/bin/env bash
# Read replica in CI (issue 24 §3): a streaming standby of the local PostgreSQL (127.0.0.1:5432, user postgres,
# trust) made with pg_basebackup -R in a temporary folder and started on another port; then the analyses, dashboard,
# export and list-count tests run with both KESU_DATABASE_URL and KESU_REPLICA_DATABASE_URL set, so their reads
# go to the standby (kesu/core/dbrouter.py). The standby and its folder are removed on exit, whatever happens.
#
#   scripts/ci_replica.sh [extra pytest arguments]
#
# Environment: KESU_REPLICA_PORT (default 5433), KESU_REPLICA_TEST_WORKERS (pytest -n, default auto),
# KESU_REPLICA_START_SECONDS (how long the standby may take to open for reads, default 600), KESU_REPLICA_TESTS
# (the test paths, default: the replica, analyses, dashboard, export and list-count tests).
# Needs root or the postgres user (PostgreSQL refuses to run as root: the standby runs as postgres). When the
# primary's pg_hba.conf has no trusted replication entry for 127.0.0.1, one is added and the primary reloaded.
set -euo pipefail
cd "$(dirname "$0")/.."

PRIMARY_PORT=5432
REPLICA_PORT="${KESU_REPLICA_PORT:-5433}"
DB=kesu_replica_ci
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -n "$BIN" ] && [ -x "$BIN/pg_basebackup" ] || { echo "no PostgreSQL binaries under /usr/lib/postgresql/*/bin" >&2; exit 1; }

as_postgres() {
    if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}
primary() { "$BIN/psql" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -d postgres -Atqc "$1"; }
standby() { "$BIN/psql" -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d postgres -Atqc "$1"; }

primary "select 1" >/dev/null || { echo "PostgreSQL is not reachable on 127.0.0.1:$PRIMARY_PORT as postgres" >&2; exit 1; }
if standby "select 1" >/dev/null 2>&1; then
    echo "something already answers on port $REPLICA_PORT: set KESU_REPLICA_PORT" >&2
    exit 1
fi

DIR="$(mktemp -d /tmp/kesu-replica.XXXXXX)"
chmod 700 "$DIR"
[ "$(id -un)" = postgres ] || chown postgres:postgres "$DIR"
cleanup() {
    as_postgres "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
}
trap cleanup EXIT

# pg_basebackup connects with the replication protocol, which "all" in pg_hba.conf does not cover.
if [ "$(primary "select count(*) from pg_hba_file_rules where type = 'host' and 'replication' = any(database)
                 and auth_method = 'trust' and error is null")" = 0 ]; then
    hba="$(primary "show hba_file")"
    echo "adding 'host replication postgres 127.0.0.1/32 trust' to $hba"
    echo "host replication postgres 127.0.0.1/32 trust  # added by kesu scripts/ci_replica.sh" >> "$hba"
    primary "select pg_reload_conf()" >/dev/null
    sleep 1
fi

echo "base backup of 127.0.0.1:$PRIMARY_PORT into $DIR/data"
as_postgres "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$DIR/data" -R -X stream -c fast

# Debian keeps the configuration outside the data folder: the standby gets its own, with the limits a hot
# standby must not set below its primary's.
{
    echo "port = $REPLICA_PORT"
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '$DIR'"
    echo "hot_standby = on"
    echo "shared_buffers = 64MB"
    echo "max_standby_streaming_delay = 60s"
    for setting in max_connections max_worker_processes max_wal_senders max_prepared_transactions \
                   max_locks_per_transaction; do
        echo "$setting = $(primary "show $setting")"
    done
} > "$DIR/postgresql.conf.new"
printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' > "$DIR/pg_hba.conf.new"
: > "$DIR/pg_ident.conf.new"
rm -f "$DIR/data/postmaster.pid" "$DIR/data/postmaster.opts"
install -o postgres -g postgres -m 600 "$DIR/postgresql.conf.new" "$DIR/data/postgresql.conf"
install -o postgres -g postgres -m 600 "$DIR/pg_hba.conf.new" "$DIR/data/pg_hba.conf"
install -o postgres -g postgres -m 600 "$DIR/pg_ident.conf.new" "$DIR/data/pg_ident.conf"
rm -f "$DIR"/*.new

echo "starting the standby on 127.0.0.1:$REPLICA_PORT"
# No "pg_ctl -w": a hot standby opens for reads only once the primary logs a snapshot without overflowed
# subtransactions, which a busy primary (test suites full of savepoints) may take minutes to do.
as_postgres "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/standby.log" -W start >/dev/null
for _ in $(seq 1 $((2 * ${KESU_REPLICA_START_SECONDS:-600}))); do
    if [ "$(standby "select pg_is_in_recovery()" 2>/dev/null)" = t ] \
            && [ "$(standby "select status from pg_stat_wal_receiver" 2>/dev/null)" = streaming ]; then
        break
    fi
    sleep 0.5
done
[ "$(standby "select pg_is_in_recovery()" 2>/dev/null)" = t ] \
    || { echo "the standby is not in recovery (or not open for reads)" >&2; tail -20 "$DIR/standby.log" >&2; exit 1; }
[ "$(standby "select status from pg_stat_wal_receiver")" = streaming ] \
    || { echo "the standby does not stream from the primary" >&2; cat "$DIR/standby.log" >&2; exit 1; }
echo "standby streaming on 127.0.0.1:$REPLICA_PORT"

export KESU_DATABASE_URL="postgres://postgres@127.0.0.1:$PRIMARY_PORT/$DB"
export KESU_REPLICA_DATABASE_URL="postgres://postgres@127.0.0.1:$REPLICA_PORT/$DB"
TESTS="${KESU_REPLICA_TESTS:-kesu/core/tests/test_replica.py kesu/reports/tests kesu/core/tests/test_importexport.py
       kesu/core/tests/test_paging.py kesu/customers/tests/test_import_export.py}"
# shellcheck disable=SC2086 # the list is split on purpose
.venv/bin/pytest -n "${KESU_REPLICA_TEST_WORKERS:-auto}" $TESTS "$@"
