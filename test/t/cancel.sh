#!/usr/bin/env bash
# test/t/cancel.sh: a long recognition honours statement_timeout and
# pg_cancel_backend() within 0.5 s, its partial result is discarded, and the
# same backend OCRs normally afterwards.  Needs the cluster from
# scripts/test.sh (PGHOST etc.) and ImageMagick to build a full page.
#
# Latencies are measured inside the server, so they hold on a loaded CI box:
# psql start-up, connecting and polling are not counted, only how long the
# backend takes to stop.  For statement_timeout: clock_timestamp() -
# statement_timestamp() - the timeout, taken in a handler that catches the
# cancel.  For pg_cancel_backend: clock_timestamp() in the cancelling
# statement and in the cancelled backend's handler (one host clock).  A
# cancel that is ignored still fails: the statement then runs to the end of
# the page (over 0.5 s past the cancel) and raises no cancel at all.
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
source test/tap.sh
tap_db t_cancel

TIMEOUT_MS=700
BOUND_MS=500
work=$(mktemp -d /tmp/imgtrans-cancel.XXXXXX)
client=""
cleanup() {
  [ -n "$client" ] && kill "$client" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
# a full page: the doc fixture tiled 2 x 10 (about 2100 x 3900 px)
/usr/bin/convert test/fixtures/doc.png test/fixtures/doc.png +append "$work/row.png"
/usr/bin/convert $(for _ in 1 2 3 4 5 6 7 8 9 10; do echo "$work/row.png"; done) -append "$work/page.png"
dir=$(cluster_filedir "$work/page.png" test/fixtures/doc.png test/fixtures/hello.png)
page="pg_read_binary_file('$dir/page.png')"

# SQL that runs the page and, when cancelled, prints how: "cancelled_at=<ms
# since the epoch> late=<ms past statement start + statement_timeout> <message>"
cancellable_page="DO \$\$
BEGIN
  PERFORM count(*) FROM imgtrans_ocr($page);
  RAISE NOTICE 'not cancelled';
EXCEPTION WHEN query_canceled THEN
  RAISE NOTICE 'cancelled_at=% late=% %',
    round(extract(epoch FROM clock_timestamp()) * 1000),
    round(extract(epoch FROM clock_timestamp() - statement_timestamp()
                             - current_setting('statement_timeout')::interval) * 1000),
    SQLERRM;
END \$\$;"
field() {  # field NAME FILE: the number after NAME= in the handler's notice
  sed -n "s/.*$1=\(-\{0,1\}[0-9]*\).*/\1/p" "$2" | head -1
}

# how long the page takes uncancelled, timed in the server
full=$(psql -XAtq -c "SELECT round(extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)
                        FROM (SELECT count(*) FROM imgtrans_ocr($page)) w")
echo "# full page: $full ms in the server"
check "full page takes over $((TIMEOUT_MS + BOUND_MS)) ms, longer than timeout + bound" \
  test "${full:-0}" -gt $((TIMEOUT_MS + BOUND_MS))

# 1. statement_timeout ends the statement with its own error; the same
#    session goes on
out=$(psql -Xq -v ON_ERROR_STOP=0 2>&1 <<SQL
SET statement_timeout = '${TIMEOUT_MS}ms';
SELECT count(*) FROM imgtrans_ocr($page);
RESET statement_timeout;
SELECT 'after:' || rtrim(imgtrans_ocr_text(pg_read_binary_file('$dir/hello.png')), E'\n');
SQL
)
echo "$out" | sed 's/^/# /'
check "statement_timeout cancels the recognition" grep -q "canceling statement due to statement timeout" <<<"$out"
check "the same backend OCRs normally afterwards" grep -q "after:Hello imgtrans world" <<<"$out"

# how late after the timeout the backend stopped, measured in the server
psql -Xq -v ON_ERROR_STOP=0 >"$work/timeout.out" 2>&1 <<SQL
SET statement_timeout = '${TIMEOUT_MS}ms';
$cancellable_page
SQL
sed 's/^/# /' "$work/timeout.out"
late=$(field late "$work/timeout.out")
check "statement_timeout is what stopped it" grep -q "canceling statement due to statement timeout" "$work/timeout.out"
echo "# stopped ${late:-?} ms after statement_timeout fired (in the server)"
check "stops within $BOUND_MS ms of the timeout (${late:-?} ms)" test "${late:-99999}" -lt "$BOUND_MS"

# 2. pg_cancel_backend from another session
psql -Xq -v ON_ERROR_STOP=0 >"$work/cancelled.out" 2>&1 <<SQL &
SET application_name = 'imgtrans_cancel_test';
$cancellable_page
SELECT 'after:' || rtrim(imgtrans_ocr_text(pg_read_binary_file('$dir/doc.png')), E'\n') AS doc;
SQL
client=$!
# wait (bounded, 30 s) until the page is being recognised, then a little
# longer so the cancel lands inside tesseract, not in the PNG decoder
pid=""
for _ in $(seq 1 300); do
  pid=$(psql -XAtq -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'imgtrans_cancel_test'
                        AND state = 'active' AND query LIKE 'DO%'")
  [ -n "$pid" ] && break
  sleep 0.1
done
sleep 0.5
# the clock is read before the signal is sent (expressions run in order)
sent=$(psql -XAtq -c "SELECT round(extract(epoch FROM clock_timestamp()) * 1000), pg_cancel_backend(${pid:-0})")
check "the cancel was sent to backend ${pid:-?}" test "${sent#*|}" = t
sent=${sent%|*}
wait "$client"
client=""
sed 's/^/# /' "$work/cancelled.out"
stopped=$(field cancelled_at "$work/cancelled.out")
check "pg_cancel_backend cancels the recognition" grep -q "canceling statement due to user request" "$work/cancelled.out"
late=$(( ${stopped:-99999999999999} - ${sent:-0} ))
echo "# stopped $late ms after pg_cancel_backend (in the server)"
check "stops within $BOUND_MS ms of pg_cancel_backend ($late ms)" test "$late" -ge 0 -a "$late" -lt "$BOUND_MS"
check "the cancelled backend recognises the next image exactly" \
  grep -q "after:The house is big. My cat sleeps on the table." "$work/cancelled.out"
tap_done
