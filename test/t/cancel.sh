#!/usr/bin/env bash
# test/t/cancel.sh: a long recognition honours statement_timeout and
# pg_cancel_backend() within 0.5 s, its partial result is discarded, and the
# same backend OCRs normally afterwards.  Needs the cluster from
# scripts/test.sh (PGHOST etc.) and ImageMagick to build a full page.
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
source test/tap.sh
tap_db t_cancel

work=$(mktemp -d /tmp/imgtrans-cancel.XXXXXX)
trap 'rm -rf "$work"' EXIT
# a full page: the doc fixture tiled 2 x 10 (about 2100 x 3900 px)
/usr/bin/convert test/fixtures/doc.png test/fixtures/doc.png +append "$work/row.png"
/usr/bin/convert $(for _ in 1 2 3 4 5 6 7 8 9 10; do echo "$work/row.png"; done) -append "$work/page.png"
dir=$(cluster_filedir "$work/page.png" test/fixtures/doc.png test/fixtures/hello.png)
page="pg_read_binary_file('$dir/page.png')"

# how long the page takes uncancelled (for the log, and to be sure it is long)
t0=$(now_ms)
words=$(psql -XAtq -c "SELECT count(*) FROM imgtrans_ocr($page)")
full=$(( $(now_ms) - t0 ))
echo "# full page: $words words in $full ms"
check "full page takes over 1.2 s, longer than timeout + 0.5 s" test "$full" -gt 1200

# 1. statement_timeout, then the same session goes on
t0=$(now_ms)
out=$(psql -Xq -v ON_ERROR_STOP=0 2>&1 <<SQL
SET statement_timeout = '700ms';
SELECT count(*) FROM imgtrans_ocr($page);
RESET statement_timeout;
SELECT 'after:' || rtrim(imgtrans_ocr_text(pg_read_binary_file('$dir/hello.png')), E'\n');
SQL
)
echo "$out" | sed 's/^/# /'
check "statement_timeout cancels the recognition" grep -q "canceling statement due to statement timeout" <<<"$out"
check "the same backend OCRs normally afterwards" grep -q "after:Hello imgtrans world" <<<"$out"

# time from the timeout to the end of the statement (without the hello call)
t0=$(now_ms)
psql -Xq -c "SET statement_timeout = '700ms'" -c "SELECT count(*) FROM imgtrans_ocr($page)" >/dev/null 2>&1
late=$(( $(now_ms) - t0 - 700 ))
echo "# statement ended $late ms after statement_timeout fired"
check "statement ends within 500 ms of the timeout ($late ms)" test "$late" -lt 500

# 2. pg_cancel_backend from another session
psql -Xq -v ON_ERROR_STOP=0 >"$work/cancelled.out" 2>&1 <<SQL &
SET application_name = 'imgtrans_cancel_test';
SELECT count(*) FROM imgtrans_ocr($page);
SELECT 'after:' || rtrim(imgtrans_ocr_text(pg_read_binary_file('$dir/doc.png')), E'\n') AS doc;
SQL
client=$!
sleep 1
pid=$(psql -XAtq -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'imgtrans_cancel_test' AND state = 'active'")
t0=$(now_ms)
psql -XAtq -c "SELECT pg_cancel_backend($pid)" >/dev/null
# wait (bounded) until the backend is idle again or gone
for _ in $(seq 1 300); do
  st=$(psql -XAtq -c "SELECT state || ':' || left(query, 30) FROM pg_stat_activity WHERE pid = $pid")
  case "$st" in *"imgtrans_ocr(pg_read"*) sleep 0.01 ;; *) break ;; esac
done
late=$(( $(now_ms) - t0 ))
wait "$client"
sed 's/^/# /' "$work/cancelled.out"
check "pg_cancel_backend cancels the recognition" grep -q "canceling statement due to user request" "$work/cancelled.out"
check "cancelled statement ends within 500 ms ($late ms, incl. polling)" test "$late" -lt 500
check "the cancelled backend recognises the next image exactly" \
  grep -q "after:The house is big. My cat sleeps on the table." "$work/cancelled.out"
tap_done
