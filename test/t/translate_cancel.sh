#!/usr/bin/env bash
# test/t/translate_cancel.sh: pg_cancel_backend() stops a translation
# request that the provider stub would answer after 10 s, quickly (the curl
# loop checks the interrupt flags every 100 ms), and the backend translates
# normally afterwards.  Needs the cluster and services from scripts/test.sh.
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
source test/tap.sh
: "${IMGTRANS_STUB_URL:?start the services first (scripts/services-translate.sh)}"
tap_db t_translate_cancel

work=$(mktemp -d /tmp/imgtrans-t-cancel.XXXXXX)
trap 'rm -rf "$work"' EXIT
psql -XAtq -c "SELECT imgtrans_add_provider('stub', 'deepl', '$IMGTRANS_STUB_URL/deepl', 'deepl-test-key')" >/dev/null

psql -XAtq -v ON_ERROR_STOP=0 >"$work/out" 2>&1 <<'SQL' &
SET application_name = 'imgtrans_translate_cancel';
SELECT imgtrans_translate('__slow__', 'es', 'en', 'stub');
SELECT 'ended:' || extract(epoch FROM clock_timestamp());
SELECT 'after:' || imgtrans_translate('Hello', 'es', 'en', 'stub');
SQL
client=$!
pid=""
for _ in $(seq 1 50); do
  pid=$(psql -XAtq -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'imgtrans_translate_cancel' AND state = 'active'")
  [ -n "$pid" ] && break
  sleep 0.1
done
sleep 0.5   # well inside the request
# the server's clock at the cancel, and (in the client's output) when the
# session ran its next statement: the reaction measured inside the server,
# not through a busy machine's psql start-ups
cancelled_at=$(psql -XAtq -c "SELECT extract(epoch FROM clock_timestamp()) FROM (SELECT pg_cancel_backend($pid)) c")
wait "$client"
sed 's/^/# /' "$work/out"
ended_at=$(sed -n 's/^ended://p' "$work/out")
late=$(python3 -c "print(round((${ended_at:-0} - ${cancelled_at:-0}) * 1000))")
check "pg_cancel_backend cancels the request" grep -q "canceling statement due to user request" "$work/out"
check "the cancelled statement ends within 500 ms of the cancel ($late ms, server clock)" \
  test "$late" -ge 0 -a "$late" -lt 500
check "the backend translates normally afterwards" grep -q "after:\[EN>ES\] Hello" "$work/out"
tap_done
