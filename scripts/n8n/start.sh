#!/usr/bin/env bash
# `npm start`: the n8n editor with this package loaded as a community package and the sample workflows (workflows/*.json)
# imported, on http://localhost:5678 (N8N_PORT to change). n8n is installed into the cache on first use; the n8n data
# (SQLite database, owner account, credentials) stays in EV_CLEARING_N8N_USER_FOLDER (default: <cache>/n8n-user).
# Expects `npm run build` to have run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=n8n-env.sh
source "$here/n8n-env.sh"

say() { printf '[n8n-start] %s\n' "$*" >&2; }

n8n_dir=$(bash "$here/install.sh" | tail -1)
n8n=(node "$n8n_dir/node_modules/n8n/bin/n8n")
export N8N_USER_FOLDER=${EV_CLEARING_N8N_USER_FOLDER:-$cache_root/n8n-user}
export N8N_PORT=${N8N_PORT:-5678}
out=${EV_CLEARING_OUT:-$repo/out}
mkdir -p "$N8N_USER_FOLDER" "$out" "$out/invoices"
# n8n 2.x reads and writes files only inside N8N_RESTRICT_FILE_ACCESS_TO: the samples and the output folder.
export N8N_RESTRICT_FILE_ACCESS_TO=${N8N_RESTRICT_FILE_ACCESS_TO:-$repo/samples;$out}

EV_CLEARING_N8N_DIR="$n8n_dir" bash "$here/link-package.sh" "$N8N_USER_FOLDER" >/dev/null

shopt -s nullglob
staged=$(mktemp -d "${TMPDIR:-/tmp}/ev-clearing-workflows.XXXXXX")
trap 'rm -rf "$staged"' EXIT
# The sample workflows name the ledger credential "EV Clearing Ledger - your ledger": created once (a SQLite file in the
# output folder), then left as the user edits it (a PostgreSQL URL, another file).
marker="$N8N_USER_FOLDER/.ev-clearing-sample-credentials"
if [ ! -e "$marker" ]; then
	fill_workflows "$staged" "$here/sample-credentials.json"
	say "creating the credential \"EV Clearing Ledger - your ledger\" ($out/ledger.sqlite)"
	"${n8n[@]}" import:credentials --input="$staged/sample-credentials.json" >"$staged/credentials.log" 2>&1 ||
		{ tail -40 "$staged/credentials.log" >&2; say 'n8n import:credentials failed'; exit 1; }
	touch "$marker"
fi
workflows=("$repo"/workflows/*.json)
if [ ${#workflows[@]} -gt 0 ]; then
	mkdir "$staged/workflows"
	fill_workflows "$staged/workflows" "${workflows[@]}"
	say "importing ${#workflows[@]} sample workflow(s) from workflows/"
	"${n8n[@]}" import:workflow --separate --input="$staged/workflows" >"$staged/import.log" 2>&1 ||
		{ tail -40 "$staged/import.log" >&2; say 'n8n import:workflow failed'; exit 1; }
fi

say "n8n editor on http://localhost:$N8N_PORT (first visit: create the owner account; data in $N8N_USER_FOLDER)"
say 'stop with Ctrl-C'
"${n8n[@]}" start
