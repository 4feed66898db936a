#!/usr/bin/env bash
# test/t/translate_apertium_down.sh: with the Apertium server really gone
# (its own APy, stopped by PID), a cached text still translates with no
# HTTP, and an uncached one fails cleanly: SQLSTATE 08001, provider named.
# Needs the cluster from scripts/test.sh (PGHOST etc.).
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
source scripts/services-translate.sh
source test/tap.sh
tap_db t_translate_down

work=$(mktemp -d /tmp/imgtrans-t-down.XXXXXX)
trap 'apy_stop; rm -rf "$work"' EXIT
apy_start "$work" || { not_ok "start APy"; tap_done; exit 1; }
psql -XAtq -c "SELECT imgtrans_add_provider('apy', 'apertium', '$APY_URL')" >/dev/null
first=$(psql -XAtq -c "SELECT imgtrans_translate('The house is red.', 'es', 'en')")
check "APy translates ($first)" test "$first" = "La casa es roja."

pid=$APY_PID
apy_stop
check "APy is stopped" bash -c "! kill -0 $pid 2>/dev/null"

again=$(psql -XAtq -c "SELECT imgtrans_translate('The house is red.', 'es', 'en')" 2>&1)
check "the cached text translates with APy gone ($again)" test "$again" = "$first"
err=$(psql -XAtq -v VERBOSITY=verbose -c "SELECT imgtrans_translate('The dog is black.', 'es', 'en')" 2>&1)
echo "# $err" | head -1
check "an uncached text fails with 08001 naming the provider" \
  grep -q '^ERROR:  08001: could not reach translation provider "apy"' <<<"$err"
tap_done
