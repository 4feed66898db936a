#!/usr/bin/env bash
# test/t/translate_apertium_down.sh: with the Apertium server really gone
# (its own APy, stopped by PID), a cached text still translates with no
# HTTP, and an uncached one fails cleanly: SQLSTATE 08001, provider named.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
source scripts/services-translate.sh

DB=imgtrans_t_down
DIR=$(mktemp -d /tmp/imgtrans-t-down.XXXXXX)
cleanup() {
  set +e
  apy_stop
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB"
  rm -rf "$DIR"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" -c "$1"; }

apy_start "$DIR"
psql -X -q -d postgres -c "CREATE DATABASE $DB"
q "CREATE EXTENSION imgtrans"
q "SELECT imgtrans_add_provider('apy', 'apertium', '$APY_URL')"
first=$(q "SELECT imgtrans_translate('The house is red.', 'es', 'en')")
[ "$first" = "La casa es roja." ] || fail "first translation: $first"

pid=$APY_PID
apy_stop
! kill -0 "$pid" 2>/dev/null || fail "APy still running"

again=$(q "SELECT imgtrans_translate('The house is red.', 'es', 'en')")
[ "$again" = "$first" ] || fail "cached translation: $again"
if err=$(psql -X -q -At -v VERBOSITY=verbose -d "$DB" \
    -c "SELECT imgtrans_translate('The dog is black.', 'es', 'en')" 2>&1); then
  fail "uncached text translated with the server down: $err"
fi
echo "$err" | grep -q '^ERROR:  08001: could not reach translation provider "apy"' \
  || fail "unexpected error: $err"
echo "ok: cached text translated with APy stopped; uncached: $(echo "$err" | head -1)"
