#!/usr/bin/env bash
# Creates or drops a database on the test PostgreSQL server (scripts/ci/start-postgres.sh: 127.0.0.1:54329, trust auth
# on loopback), for n8n's own data in queue mode or for a clearing ledger. `create` starts the server if needed and
# prints the database's connection string on stdout; `drop` ends its sessions first.
# Usage: n8n-database.sh create|drop <name>   (name: lower-case letters, digits, underscore)
set -euo pipefail
action=${1:?usage: n8n-database.sh create|drop <name>}
name=${2:?usage: n8n-database.sh create|drop <name>}
[[ "$name" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || { echo "database name '$name': use a-z, 0-9 and _ only" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
port=${EV_CLEARING_PG_PORT:-54329}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
psql() { "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtAc "$1"; }
case "$action" in
create)
	bash "$here/../../ci/start-postgres.sh" >/dev/null
	psql "CREATE DATABASE $name" >&2
	echo "postgresql://postgres@127.0.0.1:$port/$name"
	;;
drop)
	psql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$name' AND pid <> pg_backend_pid()" \
		>/dev/null
	psql "DROP DATABASE IF EXISTS $name" >&2
	;;
*)
	echo "unknown action '$action': create or drop" >&2
	exit 2
	;;
esac
