#!/usr/bin/env bash
# Starts the PostgreSQL server the ledger tests use: a private cluster on 127.0.0.1:54329, trust auth on loopback only
# (except the role ev_clearing_password_check, which must give its password: the tests of a refused password),
# database ev_clearing_test. Idempotent (already running → nothing to do) and safe to call from parallel test workers.
# Prints the connection string on stdout; everything else goes to stderr. scripts/ci/stop-postgres.sh stops it.
# Env: EV_CLEARING_PG_DIR (cluster folder, default ${TMPDIR:-/tmp}/ev-clearing-pg), EV_CLEARING_PG_PORT (54329).
set -euo pipefail
port=${EV_CLEARING_PG_PORT:-54329}
data=${EV_CLEARING_PG_DIR:-${TMPDIR:-/tmp}/ev-clearing-pg}
db=ev_clearing_test
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] && [ -x "$bin/postgres" ] || {
	echo "PostgreSQL is not installed: run scripts/ci/install-system-packages.sh (Debian package postgresql)." >&2
	exit 1
}
# The server refuses to run as root: as root, run it as the postgres OS user; otherwise as the caller.
if [ "$(id -u)" = 0 ]; then
	owner=postgres
	as_owner() { runuser -u postgres -- "$@"; }
else
	owner=$(id -un)
	as_owner() { "$@"; }
fi
url="postgresql://postgres@127.0.0.1:$port/$db"

mkdir -p "$data"
chown "$owner" "$data"
chmod 700 "$data"
exec 9>"$data.lock"
flock 9

if ! as_owner "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
	if [ ! -f "$data/PG_VERSION" ]; then
		as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --no-locale >&2
	fi
	# 9>&-: the server must not inherit the lock. Sockets in the cluster folder: no dependency on /var/run/postgresql.
	# fsync off: a throwaway test cluster (the tests kill clients, never the server).
	start() {
		as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
			-o "-c listen_addresses=127.0.0.1 -p $port -k $data -c max_connections=200 -c fsync=off" start 9>&- >&2
	}
	# A cluster left by a killed session (stale postmaster.pid, unsynced files) is thrown away and made anew: it only
	# ever holds test data.
	if ! start; then
		echo "the test cluster in $data does not start: recreating it" >&2
		rm -rf "${data:?}"/* "${data:?}"/.[!.]* 2>/dev/null || true
		as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --no-locale >&2
		start || { cat "$data/server.log" >&2; exit 1; }
	fi
fi
psql() { as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtAc "$1"; }
if ! psql "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
	as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$db" >&2
fi
# The one login that needs a password (first line of pg_hba.conf wins); added to clusters made before it, too.
password_role=ev_clearing_password_check
if [ -f "$data/pg_hba.conf" ] && ! grep -q "^host all $password_role " "$data/pg_hba.conf"; then
	rules=$(cat "$data/pg_hba.conf")
	printf 'host all %s 127.0.0.1/32 scram-sha-256\n%s\n' "$password_role" "$rules" >"$data/pg_hba.conf"
	as_owner "$bin/pg_ctl" -D "$data" reload >&2
fi
if ! psql "SELECT 1 FROM pg_roles WHERE rolname = '$password_role'" | grep -q 1; then
	psql "CREATE ROLE $password_role LOGIN PASSWORD 'ev-clearing-test'" >&2
fi
echo "$url"
