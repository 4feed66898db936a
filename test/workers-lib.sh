# test/workers-lib.sh: helpers for the background-job shell tests in
# test/t/workers_*.sh.  Source it; it defines functions only (it is not a
# test itself, so it lives outside test/t/).
#
#   workers_cluster [conf]   a throwaway cluster with the library preloaded,
#                            imgtrans.job_retry_delay = 200ms, stopped at exit
#   tall_image              path (readable by the server) of doc.png stacked
#                            4 times: a page whose OCR takes a second or more
#   q SQL                    psql -tA, exit on error
#   create_extension         CREATE EXTENSION imgtrans, or bail out
#   load_images              table imgs(name, img): tall, hello, truncated
#   wait_until SECS SQL      poll until SQL returns t; false after SECS
#   ok_rc STATUS NAME        TAP ok when STATUS is 0 (on test/tap.sh)
#   is GOT EXPECTED NAME     TAP ok when equal, else shows both (and is false)
#   finish                   tap_done, with the server log tail on failure
#
# Everything is bounded in time and stopped by PID.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/tap.sh"

ok_rc() { if [ "$1" = 0 ]; then ok "$2"; else not_ok "$2"; return 1; fi; }

is() {  # is GOT EXPECTED NAME
  if [ "$1" = "$2" ]; then ok "$3"
  else not_ok "$3"; echo "#   got: '$1'"; echo "#   expected: '$2'"; return 1; fi
}

finish() {
  if [ "$TAP_FAILED" != 0 ] && [ -n "${CLUSTER_DIR:-}" ]; then
    echo "# server log tail:"; tail -40 "$CLUSTER_DIR/server.log" | sed 's/^/#   /'
  fi
  tap_done
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

tall_image() {
  local f="$CLUSTER_DIR/tall.png" doc="$IMGTRANS_ROOT/test/fixtures/doc.png"
  if [ ! -f "$f" ]; then
    /usr/bin/convert "$doc" "$doc" "$doc" "$doc" -append "$f"
    [ "$(id -u)" = 0 ] && chown postgres: "$f"
  fi
  echo "$f"
}

# dust_image: a page of dust (scripts/make-noise.py), which keeps
# tesseract's page layout busy for many minutes when read as one line (psm 7)
dust_image() {
  local f="$CLUSTER_DIR/dust.png"
  if [ ! -f "$f" ]; then
    python3 "$IMGTRANS_ROOT/scripts/make-noise.py" "$f"
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
