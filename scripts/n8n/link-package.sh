#!/usr/bin/env bash
# Installs this package into an n8n user folder exactly where n8n's community-package installer puts it:
# <N8N_USER_FOLDER>/.n8n/nodes/node_modules/n8n-nodes-ev-clearing (packed files + runtime dependencies, no dev
# dependencies, no n8n peer: n8n brings its own n8n-workflow). Node types then load as n8n-nodes-ev-clearing.<name>.
#
# Usage: scripts/n8n/link-package.sh <N8N_USER_FOLDER> [package.tgz]
#   Without a tgz the repository is packed first (`npm pack`); `npm run build` must have produced dist/.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
export PATH="$repo/node_modules/.bin:$PATH"

say() { printf '[n8n-link] %s\n' "$*" >&2; }
fail() { printf '[n8n-link] ERROR: %s\n' "$*" >&2; exit 1; }

[ $# -ge 1 ] || fail 'usage: link-package.sh <N8N_USER_FOLDER> [package.tgz]'
user_folder=$1
tgz=${2:-}
mkdir -p "$user_folder"
user_folder=$(cd "$user_folder" && pwd)
nodes_dir="$user_folder/.n8n/nodes"

name=$(node -p "require('$repo/package.json').name")
# Every file package.json announces to n8n must exist: n8n would otherwise skip the package with a log line only.
missing=$(node -e "
	const pkg = require('$repo/package.json');
	const files = [...(pkg.n8n.nodes || []), ...(pkg.n8n.credentials || [])];
	console.log(files.filter((f) => !require('fs').existsSync(require('path').join('$repo', f))).join(' '));
")
[ -z "$missing" ] || fail "not built: $missing. Run 'npm run build' in $repo first."

if [ -z "$tgz" ]; then
	pack_dir=$(mktemp -d "${TMPDIR:-/tmp}/ev-clearing-pack.XXXXXX")
	trap 'rm -rf "$pack_dir"' EXIT
	say "packing $repo"
	file=$(cd "$repo" && npm pack --ignore-scripts --pack-destination "$pack_dir" --loglevel=error | tail -1)
	tgz="$pack_dir/$file"
fi
[ -f "$tgz" ] || fail "package archive $tgz not found."

mkdir -p "$nodes_dir"
# n8n keeps this manifest for the packages it installed; keep the same layout.
[ -f "$nodes_dir/package.json" ] || printf '{"name":"installed-nodes","private":true}\n' >"$nodes_dir/package.json"
say "installing $(basename "$tgz") into $nodes_dir"
(
	cd "$nodes_dir"
	npm install "$tgz" --omit=dev --legacy-peer-deps --ignore-scripts --no-audit --no-fund --no-package-lock \
		--prefer-offline --loglevel=error >&2
) || fail "npm install of $tgz into $nodes_dir failed (see the npm messages above)."

installed="$nodes_dir/node_modules/$name"
[ -f "$installed/package.json" ] || fail "$installed/package.json missing after install."
[ ! -e "$nodes_dir/node_modules/n8n-workflow" ] || fail 'n8n-workflow was installed beside the package: it must come from n8n.'

# With the n8n install known (EV_CLEARING_N8N_DIR), load every node and credential as n8n will, n8n-workflow coming from
# n8n: a failure here names the file instead of n8n's later "Unrecognized node type".
if [ -n "${EV_CLEARING_N8N_DIR:-}" ]; then
	NODE_PATH="$EV_CLEARING_N8N_DIR/node_modules" node -e "
		const path = require('path');
		const dir = process.argv[1];
		const pkg = require(path.join(dir, 'package.json'));
		const types = [];
		for (const file of [...(pkg.n8n.nodes || []), ...(pkg.n8n.credentials || [])]) {
			const mod = require(path.join(dir, file));
			const name = path.basename(file).split('.')[0];
			if (typeof mod[name] !== 'function') throw new Error(file + ' does not export class ' + name);
			const instance = new mod[name]();
			types.push(instance.description ? pkg.name + '.' + instance.description.name : 'credential ' + instance.name);
		}
		console.error('[n8n-link] loads: ' + types.join(', '));
	" "$installed" || fail "a node or credential of $name does not load (see above)."
fi
say "installed $name into $installed"
echo "$installed"
