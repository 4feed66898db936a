#!/usr/bin/env bash
# test/t/ocr_process.sh: every backend runs tesseract in a child, its OCR
# process, which an interrupt kills.  Read as one line (psm => 7), a page of
# dust (scripts/make-noise.py: 400,000 specks on 3000x3000 pixels)
# keeps tesseract's page layout busy for many minutes, polling no cancel
# flag; a backend that ran tesseract itself ignored statement_timeout,
# pg_cancel_backend and pg_terminate_backend for all that time.  Checked:
#   1. statement_timeout ends the dust call within 15 s, and the same
#      session reads hello.png afterwards
#   2. pg_cancel_backend ends it within 15 s of the cancel
#   3. the OCR process is a child of the backend titled "imgtrans ocr";
#      kill -SEGV of it is an ERROR of the call (SQLSTATE 38000), not a
#      server restart, and a new session reads hello.png
#   4. pg_terminate_backend ends the backend and its OCR process in 15 s
#   5. a session that disconnects leaves no OCR process behind
#   6. the OCR process is kept between calls of a session, and replaced
#      (a new PID) after statement_timeout killed it
#   7. a cancel of an idle backend (SIGINT to its process group) keeps it
#   8. HEIF decoding runs in a child too: a SIGSEGV in it mid-decode is an
#      ERROR, no crash restart
#   9. so does every other decoder (PNG, JPEG, TIFF, WebP, GIF...):
#      statement_timeout ends a call waiting on a decoder that never answers,
#      a SIGSEGV in it is an ERROR (22P03), no crash restart
# and that the OCR process has not mapped the server's shared memory.
# Starts its own cluster.  Bounded in time on any build: every psql runs
# under timeout(1), every wait has a deadline, and a backend that is still
# alive when its check is over (one stuck in tesseract) is killed with -9 by
# its PID, with its children, so none outlives the test.  Times are wall
# clock on a possibly busy machine, hence the generous bounds.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
source scripts/lib.sh
source test/tap.sh

BOUND=15          # seconds an interrupt may take to end the call
WAIT=20           # seconds we wait for that before calling it stuck
SQL_TIMEOUT=60    # timeout(1) of a short psql call
CLIENT_TIMEOUT=120  # timeout(1) of a background session

ulimit -c 0       # a SIGSEGV'd OCR process must not write a core of the backend's size
work=$(mktemp -d /tmp/imgtrans-ocrproc.XXXXXX)
BACKENDS=""       # every backend PID this test saw
CLIENTS=""        # background psql (timeout) PIDs

# ---- helpers -------------------------------------------------------------

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }   # secs T0 T1
lt() { awk -v x="$1" -v y="$2" 'BEGIN { exit !(x < y) }'; }
q() { timeout "$SQL_TIMEOUT" psql -X -At -q -v ON_ERROR_STOP=1 "$@"; }
show() { sed 's/^/#   /' "$@"; }
took_s() { if [ -n "$1" ]; then echo "$1 s"; else echo never; fi; }   # took_s SECS

record() {  # record PID: a backend to kill at the end if it is still alive
  local p
  for p in "$@"; do
    case " $BACKENDS " in *" $p "*) ;; *) [ -n "$p" ] && BACKENDS="$BACKENDS $p" ;; esac
  done
}
# a live backend of this cluster (not a recycled PID)
is_backend() {
  [ -n "$1" ] && [ -d "/proc/$1" ] && [ "$(ps -o ppid= -p "$1" | tr -d ' ')" = "$CLUSTER_PID" ]
}
# running (a zombie is not): the PID exists and is not in state Z
running() { local s; s=$(ps -o stat= -p "$1" 2>/dev/null); [ -n "$s" ] && [ "${s#Z}" = "$s" ]; }
children() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' ' | tr '\n' ' '; }
ocr_child() {  # ocr_child BACKEND: the PID(s) of its OCR process, if any
  ps -o pid=,args= --ppid "$1" 2>/dev/null | awk '/imgtrans ocr/ { print $1 }' | tr '\n' ' ' | sed 's/ $//'
}
child_titled() {  # child_titled BACKEND TITLE: the PID of its child titled TITLE, if any
  ps -o pid=,args= --ppid "$1" 2>/dev/null | awk -v t="$2" 'index($0, t) { print $1 }' | head -1
}
# reap PID...: each of these backends that is still alive 5 s from now (one
# whose client is gone but which is stuck in tesseract) is killed with -9,
# and its children
reap() {
  local b k alive deadline=$((SECONDS + 5))
  while :; do
    alive=""
    for b in "$@"; do is_backend "$b" && alive="$alive $b"; done
    [ -z "$alive" ] || [ $SECONDS -ge $deadline ] && break
    sleep 0.2
  done
  for b in $alive; do
    k=$(children "$b")
    echo "# killing stuck backend $b${k:+ and its children $k} with SIGKILL"
    # shellcheck disable=SC2086
    [ -n "$k" ] && kill -KILL $k 2>/dev/null
    kill -KILL "$b" 2>/dev/null
  done
}
# wait_ready: the server accepts queries (after a crash restart), 60 s at most
wait_ready() {
  local deadline=$((SECONDS + 60))
  while [ $SECONDS -lt $deadline ]; do
    [ "$(timeout 10 psql -X -At -q -c "SELECT 1" 2>/dev/null)" = 1 ] && return 0
    sleep 0.5
  done
  return 1
}
# start_client APP FILE SQL: SQL in a background psql as application APP,
# output (stdout and stderr) to FILE; sets client
start_client() {
  PGAPPNAME=$1 timeout "$CLIENT_TIMEOUT" psql -X -At -v ON_ERROR_STOP=0 >"$2" 2>&1 <<<"$3" &
  client=$!
  CLIENTS="$CLIENTS $client"
}
# wait_client SECS: until the background psql has ended (0) or SECS passed (1)
wait_client() {
  local deadline
  deadline=$(awk -v t="$(now)" -v s="$1" 'BEGIN { printf "%.3f", t + s }')
  while kill -0 "$client" 2>/dev/null; do
    lt "$(now)" "$deadline" || return 1
    sleep 0.1
  done
  wait "$client" 2>/dev/null
  return 0
}
# end_client: the background psql is over: waited for, or stopped
end_client() {
  wait_client 5 || { kill "$client" 2>/dev/null; wait_client 5 || kill -KILL "$client" 2>/dev/null; }
  wait "$client" 2>/dev/null
}
# poll SECS STEP CMD...: runs CMD every STEP seconds until it prints something
# (printed, 0), or SECS have passed or the background psql has ended (1)
poll() {
  local deadline=$((SECONDS + $1)) step=$2 out
  shift 2
  while [ $SECONDS -lt $deadline ]; do
    out=$("$@" 2>/dev/null | head -1)
    [ -n "$out" ] && { echo "$out"; return 0; }
    kill -0 "$client" 2>/dev/null || return 1
    sleep "$step"
  done
  return 1
}
# backend_of APP SECS: the PID of application APP's backend, once connected
backend_of() { poll "$2" 0.1 q -c "SELECT pid FROM pg_stat_activity WHERE application_name = '$1'"; }
# wait_active APP MARK SECS: APP's backend is running a statement containing MARK
wait_active() {
  poll "$3" 0.1 q -c "SELECT pid FROM pg_stat_activity WHERE application_name = '$1' AND state = 'active'
                        AND position('$2' IN query) > 0" >/dev/null
}
# wait_child BACKEND SECS: prints its OCR process's PID once there is one
wait_child() { poll "$2" 0.1 ocr_child "$1"; }

cleanup() {
  local c p
  for c in $CLIENTS; do kill "$c" 2>/dev/null; done
  # every client backend the server still knows of, then every one we saw
  if [ -n "${CLUSTER_PID:-}" ]; then
    for p in $(timeout 10 psql -X -At -q -c "SELECT pid FROM pg_stat_activity
                 WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()" 2>/dev/null); do
      record "$p"
    done
    # shellcheck disable=SC2086
    reap $BACKENDS
  fi
  for c in $CLIENTS; do kill -KILL "$c" 2>/dev/null; wait "$c" 2>/dev/null; done
  cluster_stop
  rm -rf "$work"
}
trap cleanup EXIT

# ---- setup ---------------------------------------------------------------

# our own cluster, never the caller's (scripts/test.sh exports its own)
unset CLUSTER_PID CLUSTER_DIR
cluster_start "shared_preload_libraries = 'imgtrans'
imgtrans.workers = 0" || { echo "Bail out! could not start a cluster"; exit 1; }
export PGDATABASE=t_ocr_process
q -d postgres -c "CREATE DATABASE t_ocr_process" >/dev/null && q -c "CREATE EXTENSION imgtrans" >/dev/null \
  || { echo "Bail out! could not create the extension"; exit 1; }
python3 scripts/make-noise.py "$work/noise.png" || { echo "Bail out! make-noise.py failed"; exit 1; }
dir=$(cluster_filedir "$work/noise.png" test/fixtures/hello.png)
noise="imgtrans_ocr_text(pg_read_binary_file('$dir/noise.png'), psm => 7)"
hello="imgtrans_ocr_text(pg_read_binary_file('$dir/hello.png'))"

# ---- 1 and 6: statement_timeout; the OCR process kept, then replaced -----

# one session: two readings of hello.png, the dust under a 2 s timeout,
# then hello.png again; the OCR process is looked at from here during the
# sleeps (mark1..mark4)
out=$work/timeout.out
start_client ocrproc_timeout "$out" "SELECT 'pid:' || pg_backend_pid();
SELECT 'a:' || $hello;
SELECT pg_sleep(3) /* mark1 */;
SELECT 'b:' || $hello;
SELECT pg_sleep(3) /* mark2 */;
SET statement_timeout = '2s';
SELECT 't0:' || extract(epoch FROM clock_timestamp());
SELECT $noise;
SELECT 't1:' || extract(epoch FROM clock_timestamp());
RESET statement_timeout;
SELECT pg_sleep(2) /* mark3 */;
SELECT 'c:' || $hello;
SELECT pg_sleep(3) /* mark4 */;"
b1=$(backend_of ocrproc_timeout 30)
record "$b1"
child1="" child2="" child3="" left="" stuck=no
if wait_active ocrproc_timeout mark1 60; then child1=$(ocr_child "$b1"); else stuck=yes; fi
if [ $stuck = no ] && wait_active ocrproc_timeout mark2 $WAIT; then child2=$(ocr_child "$b1"); else stuck=yes; fi
# the server's shared memory (an anonymous shared mapping, /dev/zero, and a
# small SysV segment) is mapped in the backend and not in its OCR process
shm_backend=$(grep -cE '/dev/zero|/SYSV' "/proc/${b1:-0}/maps" 2>/dev/null)
shm_child=$(grep -cE '/dev/zero|/SYSV' "/proc/${child2:-0}/maps" 2>/dev/null)
# mark2 sleeps 3 s, then the 2 s timeout: the dust must be over by $WAIT s after that
if [ $stuck = no ] && wait_active ocrproc_timeout mark3 $((3 + WAIT)); then
  left=$(ocr_child "$b1")
  child1_running=no
  running "${child1:-0}" && child1_running=yes
else stuck=yes; fi
if [ $stuck = no ] && wait_active ocrproc_timeout mark4 $WAIT; then child3=$(ocr_child "$b1"); else stuck=yes; fi
[ $stuck = no ] && wait_client $WAIT
[ $stuck = yes ] && echo "# the session of backend ${b1:-?} is stuck; giving up on it"
end_client
reap "$b1"
show "$out"
t0=$(sed -n 's/^t0://p' "$out" | head -1)
t1=$(sed -n 's/^t1://p' "$out" | head -1)
took=$([ -n "$t0" ] && [ -n "$t1" ] && secs "$t0" "$t1")
echo "# backend ${b1:-?}: OCR process ${child1:-none} after the 1st call, ${child2:-none} after the 2nd," \
     "${left:-none} after the timeout, ${child3:-none} after the next call; the dust took ${took:-?} s"
grep -q "canceling statement due to statement timeout" "$out" && [ -n "$took" ] && lt "$took" "$BOUND"
r=$?
check "1. statement_timeout = 2s ends the dust call (psm 7) in < $BOUND s ($(took_s "$took"))" test $r = 0
check "1. and the same session then reads hello.png" grep -q "^c:Hello imgtrans world" "$out"
check "6. the first two calls of the session read hello.png" \
  test "$(grep -c -e "^a:Hello imgtrans world" -e "^b:Hello imgtrans world" "$out")" = 2
check "6. they used one OCR process, a child of the backend titled 'imgtrans ocr' (${child1:-none}, ${child2:-none})" \
  test -n "$child1" -a "$child1" = "$child2"
check "6. it has unmapped the server's shared memory (mappings: backend ${shm_backend:-?}, OCR process ${shm_child:-?})" \
  test -n "$child2" -a "${shm_backend:-0}" -ge 1 -a "${shm_child:-x}" = 0
check "6. the timeout killed it (${child1:-none} not running) and left no OCR process (${left:-none})" \
  test $stuck = no -a -n "$child1" -a "${child1_running:-yes}" = no -a -z "$left"
check "6. the next call forked a new one (${child3:-none})" \
  test -n "$child3" -a "$child3" != "$child1"
wait_ready || echo "# the server did not come back"

# ---- 2. pg_cancel_backend --------------------------------------------------

out=$work/cancel.out
start_client ocrproc_cancel "$out" "SELECT $noise /* dust */;"
b2=$(backend_of ocrproc_cancel 30)
record "$b2"
ended=no took=""
if wait_active ocrproc_cancel dust 30; then
  sleep 1   # a second into the dust
  tc=$(now)
  sent=$(q -c "SELECT pg_cancel_backend(${b2:-0})")
  if wait_client $WAIT; then ended=yes; took=$(secs "$tc" "$(now)"); fi
fi
end_client
reap "$b2"
show "$out"
echo "# backend ${b2:-?}: cancel sent (${sent:-?}), the session ended $(took_s "$took")${took:+ after it}"
grep -q "canceling statement due to user request" "$out" && [ $ended = yes ] && lt "$took" "$BOUND"
r=$?
check "2. pg_cancel_backend ends the dust call in < $BOUND s ($(took_s "$took"))" test $r = 0
wait_ready || echo "# the server did not come back"

# ---- 3. kill -SEGV of the OCR process --------------------------------------

pm_before=$(head -1 "$CLUSTER_DIR/data/postmaster.pid")
start_before=$(q -c "SELECT pg_postmaster_start_time()")
log_before=$(wc -c <"$CLUSTER_DIR/server.log")
out=$work/segv.out
start_client ocrproc_segv "$out" "\\set VERBOSITY verbose
SELECT $noise /* dust */;"
b3=$(backend_of ocrproc_segv 30)
record "$b3"
ended=no took="" child=""
if wait_active ocrproc_segv dust 30; then
  child=$(wait_child "$b3" 10)
fi
check "3. the backend (${b3:-?}) runs the dust in a child titled 'imgtrans ocr' (${child:-none})" test -n "$child"
if [ -n "$child" ]; then
  sleep 1
  echo "# ps of it: $(ps -o pid=,ppid=,args= -p "$child")"
  tk=$(now)
  kill -SEGV "$child"
  if wait_client $WAIT; then ended=yes; took=$(secs "$tk" "$(now)"); fi
fi
end_client
reap "$b3"
show "$out"
grep -q "ERROR: *38000:.*OCR process" "$out" && [ $ended = yes ] && lt "$took" "$BOUND"
r=$?
check "3. kill -SEGV of it is an ERROR of the call, SQLSTATE 38000, in < $BOUND s ($(took_s "$took"))" test $r = 0
wait_ready
pm_after=$(head -1 "$CLUSTER_DIR/data/postmaster.pid")
start_after=$(q -c "SELECT pg_postmaster_start_time()")
# (a crash restart keeps the postmaster and, in PostgreSQL 15, its start
# time: the log says whether one happened)
restarts=$(tail -c +"$((log_before + 1))" "$CLUSTER_DIR/server.log" | grep -c -e "terminated by signal" -e "reinitializing")
echo "# postmaster $pm_before -> $pm_after, started $start_before -> ${start_after:-?}; crash lines in the log: $restarts"
check "3. no crash restart (same postmaster and start time, nothing in the log)" \
  test "$pm_before" = "$pm_after" -a "$start_before" = "$start_after" -a "$restarts" = 0
after=$(q -c "SELECT $hello" 2>&1)
check "3. a new session reads hello.png" grep -q "Hello imgtrans world" <<<"$after"

# ---- 4. pg_terminate_backend -----------------------------------------------

out=$work/terminate.out
start_client ocrproc_terminate "$out" "SELECT $noise /* dust */;"
b4=$(backend_of ocrproc_terminate 30)
record "$b4"
gone=no took="" child=""
if wait_active ocrproc_terminate dust 30; then
  child=$(wait_child "$b4" 10)
  sleep 1
  tt=$(now)
  sent=$(q -c "SELECT pg_terminate_backend(${b4:-0})")
  deadline=$(awk -v t="$tt" -v s="$WAIT" 'BEGIN { printf "%.3f", t + s }')
  while lt "$(now)" "$deadline"; do
    [ -d "/proc/${b4:-0}" ] || { gone=yes; took=$(secs "$tt" "$(now)"); break; }
    sleep 0.1
  done
fi
# its OCR process goes with it (SIGKILL from PR_SET_PDEATHSIG): give it a moment
for _ in $(seq 1 30); do running "${child:-0}" || break; sleep 0.1; done
kids=$(children "${b4:-0}")
child_running=no
[ -n "$child" ] && running "$child" && child_running=yes
end_client
reap "$b4"
show "$out"
echo "# backend ${b4:-?} (OCR process ${child:-none}): terminate sent (${sent:-?}), gone $(took_s "$took")${took:+ after it}"
[ $gone = yes ] && lt "$took" "$BOUND"
r=$?
check "4. pg_terminate_backend ends the backend in < $BOUND s ($(took_s "$took"))" test $r = 0
check "4. and no process is left with it as parent (${kids:-none}), its OCR process ${child:-none} is gone" \
  test $gone = yes -a -z "$kids" -a -n "$child" -a $child_running = no
wait_ready || echo "# the server did not come back"

# ---- 5. a normal disconnect ------------------------------------------------

out=$work/disconnect.out
start_client ocrproc_exit "$out" "SELECT 'ocr:' || $hello;
SELECT pg_sleep(2) /* mark5 */;"
b5=$(backend_of ocrproc_exit 30)
record "$b5"
child=""
wait_active ocrproc_exit mark5 60 && child=$(ocr_child "$b5")
wait_client $WAIT
clean=no
for _ in $(seq 1 100); do
  if ! is_backend "$b5" && [ -z "$(children "${b5:-0}")" ] && ! running "${child:-0}"; then clean=yes; break; fi
  sleep 0.1
done
kids=$(children "${b5:-0}")
end_client
reap "$b5"
show "$out"
echo "# backend ${b5:-?}, its OCR process ${child:-none}; after the disconnect: children ${kids:-none}"
check "5. the session read hello.png" grep -q "^ocr:Hello imgtrans world" "$out"
check "5. after it disconnects its backend is gone and leaves no process behind (within 10 s)" test $clean = yes

# ---- 7. a cancel of an idle backend keeps its OCR process ------------------
# pg_cancel_backend signals the backend's process group: an idle OCR process
# (and the engines it holds) must not die of it

out=$work/idlecancel.out
start_client ocrproc_idle "$out" "SELECT 'ocr:' || $hello;
SELECT 'pid1:' || ocr_process_pid FROM imgtrans_engine_info();
\\! sleep 4
SELECT 'pid2:' || ocr_process_pid FROM imgtrans_engine_info();"
b7=$(backend_of ocrproc_idle 30)
record "$b7"
sent=""
for _ in $(seq 1 300); do
  if [ "$(q -c "SELECT state FROM pg_stat_activity WHERE pid = ${b7:-0} AND position('pid1:' IN query) > 0")" = idle ]; then
    sent=$(q -c "SELECT pg_cancel_backend(${b7:-0})")
    break
  fi
  sleep 0.05
done
wait_client $WAIT
end_client
pid1=$(sed -n 's/^pid1://p' "$out") pid2=$(sed -n 's/^pid2://p' "$out")
show "$out"
check "7. a cancel of the idle backend (sent: ${sent:-no}) keeps its OCR process (${pid1:-none} -> ${pid2:-none})" \
  test "$sent" = t -a -n "$pid1" -a "$pid1" = "$pid2"

# ---- 8. HEIF decoding runs in a child of its own ---------------------------
# libheif and its codecs (libde265, dav1d) parse hostile bytes and cannot be
# interrupted: the backend's HEIF decoder ("imgtrans heif") is a child it
# kills on any interrupt, and a crash in it is an ERROR, not a restart.  A
# 35-megapixel HEIC takes about a second to decode: the decoder is killed
# with SIGSEGV as soon as it appears (it is forked for the first HEIF image)

/usr/bin/convert test/fixtures/doc.png -resize 650% -gravity north -background white \
  -extent 7000x5000 -define png:color-type=2 "$work/big.png" &&
  heif-enc -q 20 -p preset=ultrafast -o "$work/big.heic" "$work/big.png" >/dev/null 2>&1 ||
  echo "# could not make big.heic"
hdir=$(cluster_filedir "$work/big.heic" test/fixtures/hello.heic)
pm_before=$(head -1 "$CLUSTER_DIR/data/postmaster.pid")
log_before=$(wc -c <"$CLUSTER_DIR/server.log")
out=$work/heif.out
start_client ocrproc_heif "$out" "SELECT length(imgtrans_page_image(pg_read_binary_file('$hdir/big.heic'), 1));
SELECT 'after:' || rtrim(imgtrans_ocr_text(pg_read_binary_file('$hdir/hello.heic')), E'\\n');"
b8=$(backend_of ocrproc_heif 30)
record "$b8"
shm=""
dec=$(poll 15 0.01 child_titled "${b8:-0}" "imgtrans heif")
if [ -n "$dec" ]; then
  shm=$(grep -cE '/dev/zero|/SYSV' "/proc/$dec/maps" 2>/dev/null)
  kill -SEGV "$dec"
fi
wait_client $WAIT
end_client
reap "$b8"
show "$out"
restarts=$(tail -c +"$((log_before + 1))" "$CLUSTER_DIR/server.log" | grep -c -e "terminated by signal" -e "reinitializing")
check "8. the backend decodes HEIF in a child titled 'imgtrans heif' (${dec:-none}) without the server's shared memory (${shm:-?} mappings)" \
  test -n "$dec" -a "${shm:-x}" = 0
check "8. kill -SEGV of it during the call is an ERROR of the call (22P03)" \
  grep -q "could not decode heif image: libheif stopped on it" "$out"
check "8. no crash restart (same postmaster, nothing in the log: $restarts)" \
  test "$pm_before" = "$(head -1 "$CLUSTER_DIR/data/postmaster.pid")" -a "$restarts" = 0
check "8. and the same session then decodes HEIF again" grep -q "^after:Hello imgtrans world" "$out"

# ---- 9. the other image decoders run in a child too -----------------------
# libpng, libjpeg, libtiff, libwebp and giflib (through leptonica) parse
# hostile bytes and cannot be interrupted either: the backend's image
# decoder ("imgtrans decode") is a child it kills on any interrupt.  To
# stand for a decode that never returns and for a crash in a codec, without
# racing a fast decode, the decoder is stopped (SIGSTOP) while idle: the
# next image call waits on it until statement_timeout; then a new decoder
# is stopped, sent SIGSEGV while a call waits on it, and continued.  (The
# OCR cache is off: a cached reading decodes nothing.)
hdir=$(cluster_filedir test/fixtures/hello.png)
log_before=$(wc -c <"$CLUSTER_DIR/server.log")
pm_before=$(head -1 "$CLUSTER_DIR/data/postmaster.pid")
out=$work/dec.out
start_client ocrproc_dec "$out" "SET imgtrans.ocr_cache = off;
SELECT 'first:' || rtrim(imgtrans_ocr_text(pg_read_binary_file('$hdir/hello.png')), E'\\n');
SELECT pg_sleep(3) AS stop1;
SET statement_timeout = '2s';
SELECT 'q3:' || extract(epoch FROM clock_timestamp());
SELECT 'q3b:' || rtrim(imgtrans_ocr_text(pg_read_binary_file('$hdir/hello.png')), E'\\n');
SELECT 'q3c:' || extract(epoch FROM clock_timestamp());
RESET statement_timeout;
SELECT 'q4:' || rtrim(imgtrans_ocr_text(pg_read_binary_file('$hdir/hello.png')), E'\\n');
SELECT pg_sleep(3) AS stop2;
SELECT 'q6:' || rtrim(imgtrans_ocr_text(pg_read_binary_file('$hdir/hello.png')), E'\\n');
SELECT 'after:' || rtrim(imgtrans_ocr_text(pg_read_binary_file('$hdir/hello.png')), E'\\n');"
b9=$(backend_of ocrproc_dec 30)
record "$b9"
d1="" d2="" shm="" d1_gone=""
if wait_active ocrproc_dec stop1 60; then
  d1=$(child_titled "$b9" "imgtrans decode")
  if [ -n "$d1" ]; then
    shm=$(grep -cE '/dev/zero|/SYSV' "/proc/$d1/maps" 2>/dev/null)
    kill -STOP "$d1"
  fi
fi
if wait_active ocrproc_dec stop2 60; then
  running "$d1" || d1_gone=yes
  d2=$(child_titled "$b9" "imgtrans decode")
  [ -n "$d2" ] && kill -STOP "$d2"
fi
if wait_active ocrproc_dec q6: 30 && [ -n "$d2" ]; then
  sleep 0.5
  kill -SEGV "$d2"; kill -CONT "$d2"
fi
wait_client $WAIT
end_client
reap "$b9"
show "$out"
t3=$(sed -n 's/^q3://p' "$out") t3c=$(sed -n 's/^q3c://p' "$out")
took=""
[ -n "$t3" ] && [ -n "$t3c" ] && took=$(secs "$t3" "$t3c")
restarts=$(tail -c +"$((log_before + 1))" "$CLUSTER_DIR/server.log" | grep -c -e "terminated by signal" -e "reinitializing")
check "9. the backend decodes PNG in a child titled 'imgtrans decode' (${d1:-none}) without the server's shared memory (${shm:-?} mappings)" \
  test -n "$d1" -a "${shm:-x}" = 0 -a "$(sed -n 's/^first://p' "$out")" = "Hello imgtrans world"
in_time=no
lt "${took:-99}" "$BOUND" && grep -q 'canceling statement due to statement timeout' "$out" && in_time=yes
check "9. statement_timeout 2 s ends a call waiting on a stopped decoder (${took:-?} s, bound $BOUND s), which the backend killed (${d1_gone:-no})" \
  test "$in_time" = yes -a "$d1_gone" = yes
check "9. the same session decodes again with a new decoder (${d1:-none} -> ${d2:-none})" \
  test "$(sed -n 's/^q4://p' "$out")" = "Hello imgtrans world" -a -n "$d2" -a "$d1" != "$d2"
check "9. a SIGSEGV in the decoder is an ERROR of the call (22P03)" \
  grep -q "could not decode png image: its decoder stopped on it" "$out"
check "9. no crash restart (same postmaster, nothing in the log: $restarts), and the session reads on" \
  test "$pm_before" = "$(head -1 "$CLUSTER_DIR/data/postmaster.pid")" -a "$restarts" = 0 -a \
  "$(sed -n 's/^after://p' "$out")" = "Hello imgtrans world"

tap_done
