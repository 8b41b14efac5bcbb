#!/usr/bin/env bash
# Debian packages the test suite needs: the e-invoice validator's (via its own setup script) and PostgreSQL for the
# ledger's PostgreSQL store. Idempotent; needs root (CI and the dev machines run as root).
set -euo pipefail
shared=${1:-"$(dirname "$0")/../../../shared"}
need=()
command -v qpdf >/dev/null && command -v pdftoppm >/dev/null && [ -f /usr/share/java/Saxon-HE.jar ] || need+=(validator)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -eq 0 ]; then echo "system packages present"; exit 0; fi
if [[ " ${need[*]} " == *" validator "* ]]; then bash "$shared/einvoice-validator/setup.sh"; fi
if [[ " ${need[*]} " == *" postgresql "* ]]; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql
fi
