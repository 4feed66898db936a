#!/usr/bin/env bash
# META.json is valid PGXN metadata (scripts/check-meta.py, the Meta Spec
# 1.0.0 rules) and says what the control file says; the validator refuses
# each kind of broken META.json, so this test can fail.
set -uo pipefail
source "$(dirname "$0")/../tap.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CHECK="python3 $ROOT/scripts/check-meta.py"

out=$($CHECK "$ROOT/META.json")
if [ $? = 0 ]; then ok "META.json is valid: $out"; else not_ok "META.json: $out"; fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
broken() {  # broken NAME PYTHON-EXPR-ON-m
  rm -rf "$TMP/d" && mkdir -p "$TMP/d/sql"
  cp "$ROOT/imgtrans.control" "$ROOT/README.md" "$TMP/d/"
  cp "$ROOT"/sql/imgtrans--*.sql "$TMP/d/sql/"
  python3 -c "import json,sys; m=json.load(open(sys.argv[1])); $2; json.dump(m, open(sys.argv[2], 'w'))" \
    "$ROOT/META.json" "$TMP/d/META.json"
  if $CHECK "$TMP/d/META.json" >/dev/null; then not_ok "refuses $1"; else ok "refuses $1"; fi
}
broken "a missing license"          "m.pop('license')"
broken "a license not in the spec"  "m.update(license='gpl')"
broken "a version that is not semver" "m.update(version='0.6')"
broken "a version other than the control file's" "m['provides']['imgtrans'].update(version='0.0.1')"
broken "a provided file that does not exist" "m['provides']['imgtrans'].update(file='sql/nope.sql')"
broken "an unknown top-level key"   "m.update(foo=1)"
broken "another meta-spec version"  "m['meta-spec'].update(version='2.0.0')"
broken "a bad prereq version"       "m['prereqs']['runtime']['requires'].update(PostgreSQL='fifteen')"
tap_done
