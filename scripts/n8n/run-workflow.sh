#!/usr/bin/env bash
# Runs one workflow JSON headless in a real n8n with this package installed, in a throw-away n8n user folder, and prints
# n8n's run JSON on stdout (log lines go to stderr). Exit 0 only when n8n reports status "success".
# Usage: scripts/n8n/run-workflow.sh <workflow.json>   (placeholders __SAMPLES__, __REPO__, __OUT__ are filled;
#        EV_CLEARING_OUT sets __OUT__, default ./out; EV_CLEARING_E2E_KEEP=1 keeps the user folder)
# Expects `npm run build` to have run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=n8n-env.sh
source "$here/n8n-env.sh"

say() { printf '[n8n-run] %s\n' "$*" >&2; }
[ $# -eq 1 ] && [ -f "$1" ] || { say 'usage: run-workflow.sh <workflow.json>'; exit 2; }
workflow=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")

n8n_dir=$(bash "$here/install.sh" | tail -1)
n8n=(node "$n8n_dir/node_modules/n8n/bin/n8n")
export N8N_USER_FOLDER
N8N_USER_FOLDER=$(mktemp -d "${TMPDIR:-/tmp}/ev-clearing-run.XXXXXX")
[ "${EV_CLEARING_E2E_KEEP:-}" = 1 ] || trap 'rm -rf "$N8N_USER_FOLDER"' EXIT
out=${EV_CLEARING_OUT:-$repo/out}
mkdir -p "$out"
export N8N_RESTRICT_FILE_ACCESS_TO=${N8N_RESTRICT_FILE_ACCESS_TO:-$repo/samples;$out}

EV_CLEARING_N8N_DIR="$n8n_dir" bash "$here/link-package.sh" "$N8N_USER_FOLDER" >/dev/null
mkdir -p "$N8N_USER_FOLDER/workflows"
fill_workflows "$N8N_USER_FOLDER/workflows" "$workflow"
staged="$N8N_USER_FOLDER/workflows/$(basename "$workflow")"
id=$(node -e "const w = require(process.argv[1]); if (!w.id) process.exit(1); console.log(w.id)" "$staged") ||
	{ say "$workflow has no \"id\": give it one (16 letters or digits) so that it can be executed by id."; exit 2; }

# The sample credentials that need no secret (the ledger "EV Clearing Ledger - your ledger": <out>/ledger.sqlite).
fill_workflows "$N8N_USER_FOLDER" "$here/sample-credentials.json"
"${n8n[@]}" import:credentials --input="$N8N_USER_FOLDER/sample-credentials.json" >"$N8N_USER_FOLDER/credentials.log" 2>&1 ||
	{ tail -40 "$N8N_USER_FOLDER/credentials.log" >&2; say 'n8n import:credentials failed'; exit 1; }
say "importing $(basename "$workflow") (id $id)"
"${n8n[@]}" import:workflow --input="$staged" >"$N8N_USER_FOLDER/import.log" 2>&1 ||
	{ tail -40 "$N8N_USER_FOLDER/import.log" >&2; say "n8n import:workflow failed for $workflow"; exit 1; }
say "executing $id"
rc=0
"${n8n[@]}" execute --id="$id" --rawOutput >"$N8N_USER_FOLDER/run.out" || rc=$?
# The run JSON starts at the first line that is exactly "{"; n8n 2.41 on Node 24 may segfault at exit (rc 139) after
# printing a good run, so the printed status decides.
node -e "
	const lines = require('fs').readFileSync(process.argv[1], 'utf8').split('\n');
	const start = lines.indexOf('{');
	if (start < 0) { process.stderr.write(lines.slice(-40).join('\n') + '\nno run JSON printed (exit $rc)\n'); process.exit(1); }
	const end = lines.lastIndexOf('}');
	const run = JSON.parse(lines.slice(start, end + 1).join('\n'));
	console.log(JSON.stringify(run));
	if (run.status !== 'success') {
		process.stderr.write('run status ' + run.status + ': ' + JSON.stringify(run.data?.resultData?.error ?? null) + '\n');
		process.exit(1);
	}
" "$N8N_USER_FOLDER/run.out"
