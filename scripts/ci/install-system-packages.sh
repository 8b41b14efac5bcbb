#!/usr/bin/env bash
# Debian packages the test suite needs: the e-invoice validator's (via its own setup script), PostgreSQL for the
# ledger's PostgreSQL store, chromium for the report's browser test, Redis for the n8n queue-mode test, xmllint for the
# CDAR schema checks. Idempotent; needs root (CI and the dev machines
# run as root).
set -euo pipefail
shared=${1:-"$(dirname "$0")/../../../shared"}
need=()
command -v qpdf >/dev/null && command -v pdftoppm >/dev/null && [ -f /usr/share/java/Saxon-HE.jar ] || need+=(validator)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v redis-server >/dev/null || need+=(redis)
# xmllint checks the lifecycle messages (CDAR) we build against the French standard's XSD.
command -v xmllint >/dev/null || need+=(xmllint)
# The n8n install for the end-to-end tests compiles sqlite3 (node-gyp).
command -v make >/dev/null && command -v g++ >/dev/null && command -v python3 >/dev/null || need+=(build)
if [ ${#need[@]} -eq 0 ]; then echo "system packages present"; exit 0; fi
if [[ " ${need[*]} " == *" validator "* ]]; then bash "$shared/einvoice-validator/setup.sh"; fi
debs=()
[[ " ${need[*]} " == *" postgresql "* ]] && debs+=(postgresql)
[[ " ${need[*]} " == *" chromium "* ]] && debs+=(chromium)
[[ " ${need[*]} " == *" redis "* ]] && debs+=(redis-server)
[[ " ${need[*]} " == *" xmllint "* ]] && debs+=(libxml2-utils)
[[ " ${need[*]} " == *" build "* ]] && debs+=(build-essential python3)
if [ ${#debs[@]} -gt 0 ]; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${debs[@]}"
fi
