#!/usr/bin/env bash
# test/t/translate_cancel.sh: pg_cancel_backend() stops a translation
# request the provider stub would answer after 10 s, quickly (the curl
# loop checks the interrupt flags every 100 ms).  Prints the latency.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${IMGTRANS_STUB_URL:?start the services first (scripts/services-translate.sh)}"

DB=imgtrans_t_cancel
DIR=$(mktemp -d /tmp/imgtrans-t-cancel.XXXXXX)
BG=""
cleanup() {
  set +e
  [ -n "$BG" ] && kill "$BG" 2>/dev/null
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB"
  rm -rf "$DIR"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" -c "$1"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

psql -X -q -d postgres -c "CREATE DATABASE $DB"
q "CREATE EXTENSION imgtrans"
q "SELECT imgtrans_add_provider('stub', 'deepl', '$IMGTRANS_STUB_URL/deepl', 'deepl-test-key')"

PGAPPNAME=imgtrans_cancel_test psql -X -q -At -d "$DB" \
  -c "SELECT imgtrans_translate('__slow__', 'es', 'en', 'stub')" >"$DIR/out" 2>&1 &
BG=$!
for _ in $(seq 1 50); do
  [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'imgtrans_cancel_test' AND state = 'active'")" = 1 ] && break
  sleep 0.1
done
sleep 0.5   # well inside the request
t0=$(now_ms)
q "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'imgtrans_cancel_test'" >/dev/null
wait "$BG" && fail "the slow translation was not cancelled: $(cat "$DIR/out")"
BG=""
ms=$(( $(now_ms) - t0 ))
grep -q "canceling statement due to user request" "$DIR/out" || fail "unexpected output: $(cat "$DIR/out")"
echo "ok: cancelled after ${ms} ms (including two psql runs)"
[ "$ms" -lt 1000 ] || fail "cancel took ${ms} ms"
