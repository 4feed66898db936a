# test/tap.sh: minimal TAP helpers for the shell tests in test/t/.
# Source it; call ok/not_ok/check, then `tap_done` as the last line.
TAP_N=0
TAP_FAILED=0
ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $*"; }
not_ok() { TAP_N=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1)); echo "not ok $TAP_N - $*"; }
# check DESC COND...: runs the test command COND, ok if it succeeds
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
tap_done() { echo "1..$TAP_N"; [ "$TAP_FAILED" = 0 ]; }
# milliseconds since the epoch
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# tap_db NAME: a fresh database with the extension, used by later psql calls
tap_db() {
  psql -XAtq -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null
  export PGDATABASE=$1
  psql -XAtq -c "CREATE EXTENSION imgtrans" >/dev/null
}
