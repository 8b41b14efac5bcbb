# Sourced by scripts/n8n/*.sh: the repository's Node 24 first on PATH and the flags of every n8n process (offline,
# quiet, community packages allowed) from n8n-env.json, which the jest harness (test/e2e/n8n.ts) reads as well.
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export PATH="$repo/node_modules/.bin:$PATH"
cache_root=${EV_CLEARING_CACHE:-$HOME/.cache/ev-clearing}
eval "$(node -e "
	const env = require('$repo/scripts/n8n/n8n-env.json');
	for (const [key, value] of Object.entries(env)) console.log('export ' + key + '=' + JSON.stringify(String(value)));
")"

# Fills the placeholders of workflow JSON files (every string value): __SAMPLES__ = the samples folder, __REPO__ = the
# repository, __OUT__ = the output folder. Usage: fill_workflows <dest dir> <file.json>...
fill_workflows() {
	local dest=$1
	shift
	node -e "
		const fs = require('fs'), path = require('path');
		const [dest, out, ...files] = process.argv.slice(1);
		const vars = { __SAMPLES__: path.join('$repo', 'samples'), __REPO__: '$repo', __OUT__: out };
		const fill = (v) => typeof v === 'string' ? Object.entries(vars).reduce((s, [k, x]) => s.split(k).join(x), v)
			: Array.isArray(v) ? v.map(fill)
			: v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)])) : v;
		for (const file of files) {
			fs.writeFileSync(path.join(dest, path.basename(file)), JSON.stringify(fill(JSON.parse(fs.readFileSync(file, 'utf8')))));
		}
	" "$dest" "${EV_CLEARING_OUT:-$repo/out}" "$@"
}
