#!/usr/bin/env bash
# Runs a throw-away Redis for n8n queue mode in the foreground on 127.0.0.1:<port>: no persistence, no config file,
# nothing left on disk. Stop it with SIGTERM (the caller keeps its pid). Debian package: redis-server.
set -euo pipefail
port=${1:?usage: start-redis.sh <port>}
command -v redis-server >/dev/null || {
	echo "redis-server is not installed: run scripts/ci/install-system-packages.sh (Debian package redis-server)." >&2
	exit 1
}
# --save '' and --appendonly no: a queue of test jobs needs no durability, and no dump.rdb appears in the cwd.
exec redis-server --bind 127.0.0.1 --port "$port" --protected-mode yes --save '' --appendonly no \
	--daemonize no --loglevel warning --dir "${TMPDIR:-/tmp}"
