#!/usr/bin/env bash
# test/t/cancel.sh: a long recognition honours statement_timeout and
# pg_cancel_backend() within 0.5 s, its partial result is discarded, and the
# same backend OCRs normally afterwards.  Needs the cluster from
# scripts/test.sh (PGHOST etc.) and ImageMagick to build a full page.
#
# Latencies are measured inside the server and in CPU time, so they hold on
# a loaded box: psql start-up, connecting and polling are not counted, and
# neither is time the backend spent waiting for a core.  The promise is
# about work: after a cancel the backend does at most 0.5 s of it.
#   pg_cancel_backend: the CPU time of the backend and its OCR process
#     (/proc/PID/stat) read in the cancelling statement just before the
#     signal, and again in the cancelled backend's handler.
#   statement_timeout: the wall time past the timeout (clock_timestamp() -
#     statement_timestamp() - the timeout, in the handler) times the share
#     of a core the backend had during the statement (its CPU time / wall).
# Wall-clock latencies are printed too, and must stay under 10 s.  A cancel
# that is ignored still fails: the statement then runs to the end of the
# page (seconds of CPU past the cancel) and raises no cancel at all.
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
source test/tap.sh
tap_db t_cancel

TIMEOUT_MS=700
BOUND_MS=500
WALL_BOUND_MS=10000
TICK_MS=$((1000 / $(getconf CLK_TCK)))
# cpu_ms(pid): user + system CPU time of a backend and of the processes it
# forked (its OCR process, which does the recognising, and PDF reader), from
# /proc/PID/stat: its own time, what its reaped children used (cutime,
# cstime), and the time of its live children (their parent is PID)
psql -XAtq -c "CREATE FUNCTION cpu_ms(p int) RETURNS bigint LANGUAGE sql AS \$\$
  SELECT sum(f[12]::bigint + f[13]::bigint +
             CASE WHEN pid = p THEN f[14]::bigint + f[15]::bigint ELSE 0 END) * $TICK_MS
  FROM (SELECT d::int AS pid FROM pg_ls_dir('/proc') d WHERE d ~ '^[0-9]+\$') procs,
       LATERAL (SELECT regexp_split_to_array(substring(pg_read_file('/proc/' || pid || '/stat', 0, 4096, true)
                                                       FROM '\) (.*)\$'), ' ') f) s
  WHERE f IS NOT NULL AND (pid = p OR f[2]::int = p)
\$\$" >/dev/null
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
# since the epoch> late=<ms past statement start + statement_timeout>
# wall=<ms since statement start> cpu=<backend CPU ms then> used=<CPU ms
# of the statement> <message>"
cancellable_page="DO \$\$
DECLARE
  c0 bigint := cpu_ms(pg_backend_pid());
BEGIN
  PERFORM count(*) FROM imgtrans_ocr($page);
  RAISE NOTICE 'not cancelled';
EXCEPTION WHEN query_canceled THEN
  RAISE NOTICE 'cancelled_at=% late=% wall=% cpu=% used=% %',
    round(extract(epoch FROM clock_timestamp()) * 1000),
    round(extract(epoch FROM clock_timestamp() - statement_timestamp()
                             - current_setting('statement_timeout')::interval) * 1000),
    round(extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000),
    cpu_ms(pg_backend_pid()), cpu_ms(pg_backend_pid()) - c0,
    SQLERRM;
END \$\$;"
field() {  # field NAME FILE: the number after NAME= in the handler's notice
  sed -n "s/.*$1=\(-\{0,1\}[0-9]*\).*/\1/p" "$2" | head -1
}

# how long the page takes uncancelled, timed in the server, and its CPU time
full=$(psql -XAtq <<SQL
SELECT cpu_ms(pg_backend_pid()) AS c0 \\gset
SELECT round(extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000) || ' ' ||
       (cpu_ms(pg_backend_pid()) - :c0)
FROM (SELECT count(*) FROM imgtrans_ocr($page)) w;
SQL
)
full_cpu=${full#* }
full=${full%% *}
echo "# full page: $full ms in the server, $full_cpu ms of CPU"
check "full page takes over $((TIMEOUT_MS + BOUND_MS)) ms, longer than timeout + bound" \
  test "${full:-0}" -gt $((TIMEOUT_MS + BOUND_MS))
# Tesseract polls for a cancel once per text line while it recognises; the
# layout analysis before that is not interruptible.  So the cancels below
# land in the second half of the page's work, whatever the machine's load:
# the timeout at 55 % of the page's wall time, the signal once the backend
# has used 55 % of the page's CPU time.
TIMEOUT_MS=$(( full * 55 / 100 > TIMEOUT_MS ? full * 55 / 100 : TIMEOUT_MS ))

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
wall=$(field wall "$work/timeout.out")
used=$(field used "$work/timeout.out")
check "statement_timeout is what stopped it" grep -q "canceling statement due to statement timeout" "$work/timeout.out"
late_cpu=$(( ${late:-99999} * ${used:-99999} / (${wall:-1} > 0 ? ${wall:-1} : 1) ))
echo "# stopped ${late:-?} ms after statement_timeout fired (wall, in the server); the backend had" \
     "${used:-?} ms of CPU in ${wall:-?} ms, so about $late_cpu ms of work past the timeout"
check "stops within $BOUND_MS ms of work after the timeout ($late_cpu ms)" test "$late_cpu" -lt "$BOUND_MS"
check "and within $WALL_BOUND_MS ms of wall time (${late:-?} ms)" test "${late:-99999}" -lt "$WALL_BOUND_MS"

# 2. pg_cancel_backend from another session
psql -Xq -v ON_ERROR_STOP=0 >"$work/cancelled.out" 2>&1 <<SQL &
SET application_name = 'imgtrans_cancel_test';
$cancellable_page
SELECT 'after:' || rtrim(imgtrans_ocr_text(pg_read_binary_file('$dir/doc.png')), E'\n') AS doc;
SQL
client=$!
# wait (bounded, 30 s) until the page is being recognised, then (bounded,
# 60 s) until the backend has done 55 % of the page's CPU work
pid=""
for _ in $(seq 1 300); do
  pid=$(psql -XAtq -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'imgtrans_cancel_test'
                        AND state = 'active' AND query LIKE 'DO%'")
  [ -n "$pid" ] && break
  sleep 0.1
done
start_cpu=$(psql -XAtq -c "SELECT cpu_ms(${pid:-0})")
for _ in $(seq 1 1200); do
  now_cpu=$(psql -XAtq -c "SELECT cpu_ms(${pid:-0})" 2>/dev/null)
  [ "$(( ${now_cpu:-0} - ${start_cpu:-0} ))" -ge "$(( full_cpu * 55 / 100 ))" ] && break
  sleep 0.05
done
# the clock and the backend's CPU time are read before the signal is sent
# (expressions run in order)
sent=$(psql -XAtq -c "SELECT round(extract(epoch FROM clock_timestamp()) * 1000), cpu_ms(${pid:-0}),
                             pg_cancel_backend(${pid:-0})")
check "the cancel was sent to backend ${pid:-?}" test "${sent##*|}" = t
sent_cpu=$(echo "$sent" | cut -d'|' -f2)
sent=${sent%%|*}
wait "$client"
client=""
sed 's/^/# /' "$work/cancelled.out"
stopped=$(field cancelled_at "$work/cancelled.out")
check "pg_cancel_backend cancels the recognition" grep -q "canceling statement due to user request" "$work/cancelled.out"
late=$(( ${stopped:-99999999999999} - ${sent:-0} ))
late_cpu=$(( $(field cpu "$work/cancelled.out") - ${sent_cpu:-0} ))
echo "# stopped $late ms after pg_cancel_backend (wall, in the server), after $late_cpu ms of CPU"
check "stops within $BOUND_MS ms of work after pg_cancel_backend ($late_cpu ms)" \
  test "$late_cpu" -ge 0 -a "$late_cpu" -lt "$BOUND_MS"
check "and within $WALL_BOUND_MS ms of wall time ($late ms)" test "$late" -ge 0 -a "$late" -lt "$WALL_BOUND_MS"
check "the cancelled backend recognises the next image exactly" \
  grep -q "after:The house is big. My cat sleeps on the table." "$work/cancelled.out"

# 3. A PDF page whose content never ends: work-bomb.pdf (2.5 KB) draws a
#    billion strokes, hours in poppler, which has no way to stop a render.
#    Poppler runs in a reader process the backend waits for on its latch:
#    a cancel ends the wait at once and kills the reader; a terminated
#    backend takes its reader with it.
bomb="pg_read_binary_file('$(cluster_filedir test/fixtures/work-bomb.pdf)/work-bomb.pdf')"
# start_bomb NAME SQL: runs SQL in the background as application NAME and
# sets pid (its backend) and reader (the process the backend forked for
# poppler), waiting (bounded, 30 s) until both exist
start_bomb() {
  psql -Xq -v ON_ERROR_STOP=0 -v "app=$1" >"$work/$1.out" 2>&1 <<<"SET application_name = :'app';
$2" &
  client=$!
  pid="" reader=""
  for _ in $(seq 1 300); do
    pid=$(psql -XAtq -c "SELECT pid FROM pg_stat_activity WHERE application_name = '$1' AND state = 'active'")
    [ -n "$pid" ] && reader=$(ps -o pid=,args= --ppid "$pid" | awk '/imgtrans pdf reader/ {print $1}' | head -1)
    [ -n "$reader" ] && break
    sleep 0.1
  done
}
# wait_client: waits (bounded, 60 s) for the background psql; a backend
# that ignores the cancel (poppler in the backend itself) fails here
wait_client() {
  for _ in $(seq 1 600); do
    kill -0 "$client" 2>/dev/null || break
    sleep 0.1
  done
  check "the statement ended" test ! -d "/proc/$client"
  kill "$client" 2>/dev/null
  wait "$client"
  client=""
}
start_bomb imgtrans_bomb_cancel "DO \$\$
BEGIN
  PERFORM imgtrans_page_image($bomb, 1, 30);
  RAISE NOTICE 'not cancelled';
EXCEPTION WHEN query_canceled THEN
  RAISE NOTICE 'cancelled_at=%', round(extract(epoch FROM clock_timestamp()) * 1000);
END \$\$;
SELECT 'after:' || rtrim(imgtrans_ocr_text(pg_read_binary_file('$dir/hello.png')), E'\\n');"
check "a reader process renders the page (backend ${pid:-?}, reader ${reader:-none})" test -n "$reader"
sleep 1   # a second into the billion strokes
sent=$(psql -XAtq -c "SELECT round(extract(epoch FROM clock_timestamp()) * 1000), pg_cancel_backend(${pid:-0})")
wait_client
sed 's/^/# /' "$work/imgtrans_bomb_cancel.out"
stopped=$(field cancelled_at "$work/imgtrans_bomb_cancel.out")
late=$(( ${stopped:-99999999999999} - ${sent%%|*} ))
echo "# stopped $late ms after pg_cancel_backend (wall, in the server)"
check "pg_cancel_backend stops the render within $WALL_BOUND_MS ms ($late ms)" \
  test "$late" -ge 0 -a "$late" -lt "$WALL_BOUND_MS"
check "and the reader is gone" test -n "$reader" -a ! -d "/proc/${reader:-0}"
check "the same backend goes on" grep -q "after:Hello imgtrans world" "$work/imgtrans_bomb_cancel.out"

start_bomb imgtrans_bomb_terminate "SELECT count(*) FROM imgtrans_doc_info($bomb);"
check "a reader process reads the text layer (backend ${pid:-?}, reader ${reader:-none})" test -n "$reader"
psql -XAtq -c "SELECT pg_terminate_backend(${pid:-0}, 10000)" >/dev/null
wait_client
gone=no
for _ in $(seq 1 100); do
  [ ! -d "/proc/${reader:-0}" ] && { gone=yes; break; }
  sleep 0.1
done
check "pg_terminate_backend ends the backend and its reader" test -n "$reader" -a "$gone" = yes
tap_done
