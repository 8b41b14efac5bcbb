#!/usr/bin/env bash
# Stops the private test cluster of scripts/ci/start-postgres.sh (same EV_CLEARING_PG_DIR); nothing to do when it is
# not running. The jest global teardown calls it when the test run started the cluster.
set -euo pipefail
data=${EV_CLEARING_PG_DIR:-${TMPDIR:-/tmp}/ev-clearing-pg}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] && [ -f "$data/postmaster.pid" ] || exit 0
if [ "$(id -u)" = 0 ]; then
	runuser -u postgres -- "$bin/pg_ctl" -D "$data" -m fast -w stop >&2
else
	"$bin/pg_ctl" -D "$data" -m fast -w stop >&2
fi
