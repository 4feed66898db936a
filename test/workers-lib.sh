# test/workers-lib.sh: helpers for the background-job shell tests in
# test/t/workers_*.sh.  Source it; it defines functions only (it is not a
# test itself, so it lives outside test/t/).
#
#   workers_cluster [conf]   a throwaway cluster with the library preloaded,
#                            imgtrans.job_retry_delay = 200ms, stopped at exit
#   cluster_restart [mode]   pg_ctl stop -m mode (default fast), then start
#   tall_image              path (readable by the server) of doc.png stacked
#                            4 times: a page whose OCR takes a second or more
#   q SQL                    psql -tA, exit on error
#   create_extension         CREATE EXTENSION imgtrans, or bail out
#   load_images              table imgs(name, img): tall, hello, truncated
#   wait_until SECS SQL      poll until SQL returns t; false after SECS
#   ok COND NAME / finish    TAP output; finish exits 1 if anything failed
#
# Everything is bounded in time and stopped by PID.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

TAP_N=0
TAP_FAILED=0

ok() {  # ok STATUS NAME  (STATUS 0 = pass)
  TAP_N=$((TAP_N + 1))
  if [ "$1" = 0 ]; then echo "ok $TAP_N - $2"
  else TAP_FAILED=$((TAP_FAILED + 1)); echo "not ok $TAP_N - $2"; fi
}

is() {  # is GOT EXPECTED NAME
  if [ "$1" = "$2" ]; then ok 0 "$3"
  else ok 1 "$3"; echo "#   got: '$1'"; echo "#   expected: '$2'"; fi
}

finish() {
  echo "1..$TAP_N"
  if [ "$TAP_FAILED" != 0 ] && [ -n "${CLUSTER_DIR:-}" ]; then
    echo "# server log tail:"; tail -40 "$CLUSTER_DIR/server.log" | sed 's/^/#   /'
  fi
  [ "$TAP_FAILED" = 0 ]
}

q() { psql -X -q -tA -v ON_ERROR_STOP=1 "$@"; }

bail() { echo "Bail out! $*"; finish; exit 1; }

# CREATE EXTENSION imgtrans in the current database, at least 0.3.0
create_extension() {
  q -c "CREATE EXTENSION imgtrans" || bail "CREATE EXTENSION failed"
  [ -n "$(q -c "SELECT to_regprocedure('imgtrans_submit(bytea,text,text,jsonb)')")" ] \
    || bail "imgtrans_submit() missing: is this branch's build installed?"
}

wait_until() {  # wait_until SECS SQL
  local deadline=$((SECONDS + $1)) r
  while [ $SECONDS -lt $deadline ]; do
    r=$(q -c "$2" 2>/dev/null || true)
    [ "$r" = t ] && return 0
    sleep 0.2
  done
  return 1
}

workers_cluster() {
  cluster_start "shared_preload_libraries = 'imgtrans'
imgtrans.job_retry_delay = 200
${1:-}" || exit 1
  trap 'cluster_stop' EXIT
}

cluster_restart() {
  as_pg "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -w -t 60 stop -m "${1:-fast}" >/dev/null
  as_pg "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" -w -t 60 start >/dev/null
  CLUSTER_PID=$(head -1 "$CLUSTER_DIR/data/postmaster.pid")
}

tall_image() {
  local f="$CLUSTER_DIR/tall.png" doc="$IMGTRANS_ROOT/test/fixtures/doc.png"
  if [ ! -f "$f" ]; then
    /usr/bin/convert "$doc" "$doc" "$doc" "$doc" -append "$f"
    [ "$(id -u)" = 0 ] && chown postgres: "$f"
  fi
  echo "$f"
}

fixture() { cluster_filedir "$IMGTRANS_ROOT/test/fixtures/$1" >/dev/null; echo "$CLUSTER_DIR/files/$1"; }

# jobs of the tall image: a table imgs(name, img) with 'tall' and 'hello'
load_images() {
  q -c "CREATE TABLE IF NOT EXISTS imgs (name text PRIMARY KEY, img bytea)" \
    -c "INSERT INTO imgs VALUES ('tall', pg_read_binary_file('$(tall_image)')),
                                ('hello', pg_read_binary_file('$(fixture hello.png)')),
                                ('truncated', pg_read_binary_file('$(fixture truncated.png)'))
        ON CONFLICT DO NOTHING" || bail "could not load the test images"
}
