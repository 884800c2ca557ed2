#!/usr/bin/env bash
# Point-in-time recovery drill with pgBackRest on a throwaway PostgreSQL cluster: WAL
# archiving, a full and an incremental backup, then a restore to a moment between two
# writes, checking that exactly the writes before that moment come back. It exercises the
# configuration docs/operations.md describes (same options, local paths instead of /var).
#
# Needs pgbackrest (Debian package `pgbackrest`) and PostgreSQL server binaries of a
# version that pgbackrest supports: PG_SERVER_BIN (default /usr/lib/postgresql/15/bin).
# Run as root (the cluster runs as the OS user postgres) or as postgres.
set -euo pipefail

bin="${PG_SERVER_BIN:-/usr/lib/postgresql/15/bin}"
work="$(mktemp -d /tmp/herald-pitr-XXXXXX)"
chmod 755 "$work"
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -ne 0 ] || chown postgres "$work"
port=$((20000 + RANDOM % 10000))
conf="$work/pgbackrest.conf"
backrest() { as_postgres pgbackrest --config="$conf" --stanza=herald "$@"; }
sql() { as_postgres "$bin/psql" -h "$work" -p "$1" -U postgres -XAtq -d postgres -c "$2"; }
step() { echo "== $*"; }
cleanup() {
  as_postgres "$bin/pg_ctl" -D "$work/restored" -m immediate stop >/dev/null 2>&1 || true
  as_postgres "$bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

as_postgres mkdir -p "$work/repo" "$work/log" "$work/lock"
as_postgres tee "$conf" >/dev/null <<EOF
[global]
repo1-path=$work/repo
repo1-retention-full=2
repo1-retention-diff=7
start-fast=y
compress-type=zst
log-level-console=warn
log-path=$work/log
lock-path=$work/lock

[herald]
pg1-path=$work/pg
pg1-port=$port
pg1-socket-path=$work
EOF

step "cluster with WAL archiving to pgBackRest ($("$bin/postgres" --version))"
as_postgres "$bin/initdb" -D "$work/pg" -U postgres --auth=trust >/dev/null
as_postgres tee -a "$work/pg/postgresql.conf" >/dev/null <<EOF
port = $port
listen_addresses = ''
unix_socket_directories = '$work'
wal_level = replica
archive_mode = on
archive_command = 'pgbackrest --config=$conf --stanza=herald archive-push %p'
archive_timeout = 60
EOF
as_postgres "$bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w start >/dev/null
backrest stanza-create
step "pgbackrest check (a WAL segment reaches the repository)"
backrest check && echo "archiving works"

sql "$port" "CREATE TABLE drill (n int PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())"
sql "$port" "INSERT INTO drill (n) VALUES (1)"
step "full backup"
backrest backup --type=full
sql "$port" "INSERT INTO drill (n) VALUES (2)"
sleep 1
target="$(sql "$port" "SELECT clock_timestamp()")"
sleep 1
sql "$port" "INSERT INTO drill (n) VALUES (3)"
step "incremental backup"
backrest backup --type=incr
sql "$port" "SELECT pg_switch_wal()" >/dev/null
sleep 2
backrest info

step "restore to $target (after row 2, before row 3) into a new data directory"
as_postgres "$bin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null
backrest restore --pg1-path="$work/restored" --type=time --target="$target" --target-action=promote
as_postgres "$bin/pg_ctl" -D "$work/restored" -l "$work/restored.log" -w \
  -o "-p $((port + 1)) -c archive_mode=off" start >/dev/null
for _ in $(seq 1 30); do
  [ "$(sql $((port + 1)) "SELECT pg_is_in_recovery()")" = "f" ] && break
  sleep 1
done
rows="$(sql $((port + 1)) "SELECT string_agg(n::text, ',' ORDER BY n) FROM drill")"
echo "rows after point-in-time restore: $rows"
if [ "$rows" = "1,2" ]; then echo "PITR drill passed"; else echo "PITR drill FAILED (expected 1,2)"; exit 1; fi
