#!/usr/bin/env bash
# scripts/test.sh: run every imgtrans test on this machine, from scratch.
#
# Installs the Debian packages it needs (when run as root and they are
# missing), builds and installs the extension, runs the cmocka unit tests,
# starts a throwaway PostgreSQL cluster (and an Apertium translation server)
# on free 127.0.0.1 ports, runs pg_regress and the shell tests in test/t/,
# then stops everything by PID and removes the temp dirs, also on failure.
# Ends with "N passed, N failed"; exit status 0 only if nothing failed.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
imgtrans_locked "$0" "$@"
cd "$IMGTRANS_ROOT"

PASSED=0
FAILED=0
FAILED_NAMES=""
result() {  # result NAME STATUS
  if [ "$2" = 0 ]; then PASSED=$((PASSED + 1)); echo "ok - $1"
  else FAILED=$((FAILED + 1)); FAILED_NAMES="$FAILED_NAMES $1"; echo "not ok - $1"; fi
}
cleanup() {
  set +e
  declare -F services_stop >/dev/null && services_stop
  cluster_stop
}
trap cleanup EXIT

imgtrans_deps
imgtrans_build

log "cmocka unit tests"
set +e
make -s unittest
result "unit tests (cmocka)" $?
set -e

cluster_start "shared_preload_libraries = 'imgtrans'
imgtrans.database = 'contrib_regression'"
export IMGTRANS_FIXTURES
IMGTRANS_FIXTURES=$(cluster_filedir test/fixtures)/fixtures
# optional services (translation server) the SQL tests need
for svc in scripts/services-*.sh; do
  [ -f "$svc" ] && source "$svc"
done
declare -F services_start >/dev/null && services_start

log "pg_regress"
REGRESS_OUT=$PWD/regress-out   # results/ and regression.diffs stay here to read
rm -rf "$REGRESS_OUT" && mkdir -p "$REGRESS_OUT"
set +e
make -s installcheck REGRESS_OUTDIR="$REGRESS_OUT"
rc=$?
if [ $rc != 0 ] && [ -f "$REGRESS_OUT/regression.diffs" ]; then
  head -c 20000 "$REGRESS_OUT/regression.diffs"
  echo "(full diffs: $REGRESS_OUT/regression.diffs)"
fi
result "pg_regress" $rc
set -e

shopt -s nullglob
for t in test/t/*.sh; do
  log "$t"
  set +e
  bash "$t"
  result "$t" $?
  set -e
done

echo
[ -n "$FAILED_NAMES" ] && echo "failed:$FAILED_NAMES"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
