#!/usr/bin/env bash
# test/t/translate_ratelimit.sh: a provider's requests_per_second and
# max_concurrent hold for all sessions together, measured from the provider
# stub's side (when each request arrived, most in flight at once); waits
# honour statement_timeout; a 429's Retry-After is waited out within the
# statement's time, or a clear ERROR at once when it does not fit; a session
# killed while it holds a request slot does not leak it.  Needs the cluster
# (imgtrans preloaded) and services from scripts/test.sh.  Bounds are
# generous: a busy machine can only make requests later, never earlier.
# Never leaves a client behind: background sessions are killed by PID at exit.
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
source test/tap.sh
: "${IMGTRANS_STUB_URL:?start the services first (scripts/services-translate.sh)}"
tap_db t_ratelimit

work=$(mktemp -d /tmp/imgtrans-t-rate.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT
sq() { psql -XAtq -v ON_ERROR_STOP=1 "$@"; }
stats() {  # stats PYTHON-EXPR over s = the stub's /stats: its value
  /usr/bin/python3 -c "import json, sys, urllib.request
s = json.load(urllib.request.urlopen(sys.argv[1] + '/stats'))
r = sorted(x[0] for x in s['requests'])
print($1)" "$IMGTRANS_STUB_URL"
}
reset() { /usr/bin/python3 -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + '/stats/reset')" "$IMGTRANS_STUB_URL"; }
# sessions N M TEXT: N concurrent sessions, each M translations of TEXT (distinct, uncached)
sessions() {
  local n=$1 m=$2 text=$3 i
  pids=()
  for i in $(seq 1 "$n"); do
    sq -c "SET imgtrans.translation_cache = off" \
       -c "SELECT count(imgtrans_translate('$text s$i r' || r, 'es', 'en', 'rl')) FROM generate_series(1, $m) r" \
       >"$work/s$i.out" 2>&1 &
    pids+=($!)
  done
  local rc=0
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  pids=()
  return $rc
}

sq -c "SELECT imgtrans_add_provider('rl', 'deepl', '$IMGTRANS_STUB_URL/deepl', 'deepl-test-key')" \
   -c "SELECT imgtrans_set_provider_limits('rl', 5, 2)" >/dev/null
ok_rc() { if [ "$1" = 0 ]; then ok "$2"; else not_ok "$2"; fi; }
is() { if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$3"; echo "#   got: '$1' expected: '$2'"; fi; }
is "$(sq -c "SELECT requests_per_second || ' ' || max_concurrent FROM imgtrans.providers WHERE name = 'rl'")" \
   "5 2" "imgtrans_set_provider_limits sets requests_per_second and max_concurrent"
err=$(sq -c "CREATE ROLE rl_user" -c "SET ROLE rl_user" \
      -c "SELECT imgtrans_set_provider_limits('rl', 1000, 64)" 2>&1)
echo "$err" | grep -q "only superusers can set the limits of translation providers"
ok_rc $? "an ordinary role cannot change a provider's limits"

# --- 4 sessions x 5 requests at 5/s, 2 at once ----------------------------------
reset
sessions 4 5 "__hold__"
ok_rc $? "4 sessions x 5 translations succeed"
n=$(stats "len(r)")
span=$(stats "round(r[-1] - r[0], 2)")
window=$(stats "max(sum(1 for y in r if x <= y < x + 1.0) for x in r)")
peak=$(stats "s['peak']")
echo "# stub saw $n requests over $span s; most in any 1 s: $window; most at once: $peak"
is "$n" 20 "the stub saw 20 requests"
check "... spread over at least 3.4 s at 5/s ($span s)" /usr/bin/python3 -c "import sys; sys.exit(not $span >= 3.4)"
check "... at most 7 starts in any 1 s at 5/s ($window)" test "$window" -le 7
check "... at most 2 in flight at once ($peak)" test "$peak" -le 2

# --- concurrency alone ----------------------------------------------------------
sq -c "SELECT imgtrans_set_provider_limits('rl', NULL, 1)" >/dev/null
reset
sessions 3 3 "__hold__"
ok_rc $? "3 sessions x 3 translations, max_concurrent 1"
peak=$(stats "s['peak']")
is "$peak" 1 "... never 2 requests at once (stub's peak: $peak)"

# --- waits honour statement_timeout ------------------------------------------------
sq -c "SELECT imgtrans_set_provider_limits('rl', 0.2, NULL)" >/dev/null
out=$(sq -c "SET imgtrans.translation_cache = off" -c "SELECT imgtrans_translate('first', 'es', 'en', 'rl')" \
         -c "SET statement_timeout = '1s'" \
         -c "SELECT round(extract(epoch FROM clock_timestamp() - now()) * 1000)" \
         -c "SELECT imgtrans_translate('second', 'es', 'en', 'rl')" 2>&1)
echo "$out" | grep -q "canceling statement due to statement timeout"
ok_rc $? "waiting for the next token (0.2/s) ends at statement_timeout"

# --- 429 with Retry-After --------------------------------------------------------------
sq -c "SELECT imgtrans_set_provider_limits('rl', NULL, NULL)" >/dev/null
reset
out=$(sq -c "SET imgtrans.translation_cache = off" -c "SET statement_timeout = '5s'" \
         -c "SELECT imgtrans_translate('__429once__ a', 'es', 'en', 'rl')" 2>&1)
is "$out" "[EN>ES] __429once__ a" "a 429 with Retry-After: 1 is waited out and the text translated"
gap=$(stats "round(r[1] - r[0], 2) if len(r) == 2 else -1")
check "... the retry came at least 1 s after the 429 ($gap s)" /usr/bin/python3 -c "import sys; sys.exit(not $gap >= 0.95)"
t0=$(now_ms)
out=$(sq -c "\set VERBOSITY verbose" -c "SET imgtrans.translation_cache = off" -c "SET statement_timeout = '3s'" \
         -c "SELECT imgtrans_translate('__429__', 'es', 'en', 'rl')" 2>&1)
t=$(( $(now_ms) - t0 ))
echo "$out" | grep -q 'ERROR:  53400: translation provider "rl" asks to wait 7 s before the next request (HTTP 429), longer than the statement has left'
ok_rc $? "Retry-After 7 s with 3 s left: ERROR 53400 at once ($t ms)"
echo "$out" | grep -q "HINT:  Try again in 7 s"
ok_rc $? "... with a hint"
# the 429 holds every session off the provider: the next request waits for it
out=$(sq -c "SET imgtrans.translation_cache = off" -c "SET statement_timeout = '1s'" \
         -c "SELECT imgtrans_translate('later', 'es', 'en', 'rl')" 2>&1)
echo "$out" | grep -q "canceling statement due to statement timeout"
ok_rc $? "another session holds off the provider until Retry-After has passed"

# --- a session killed while it holds the only request slot -------------------------------
sq -c "SELECT imgtrans_add_provider('rl1', 'deepl', '$IMGTRANS_STUB_URL/deepl', 'deepl-test-key')" \
   -c "SELECT imgtrans_set_provider_limits('rl1', NULL, 1)" >/dev/null
sq -c "SET application_name = 'rl_victim'" -c "SET imgtrans.translation_cache = off" \
   -c "SELECT imgtrans_translate('__slow__', 'es', 'en', 'rl1')" >/dev/null 2>&1 &
victim=$!
pids=($victim)
for _ in $(seq 1 50); do
  vpid=$(sq -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'rl_victim' AND state = 'active'")
  [ -n "$vpid" ] && break
  sleep 0.1
done
sleep 0.5
sq -c "SELECT pg_terminate_backend($vpid)" >/dev/null
wait "$victim" 2>/dev/null
pids=()
t0=$(now_ms)
out=$(sq -c "SET imgtrans.translation_cache = off" -c "SET statement_timeout = '5s'" \
         -c "SELECT imgtrans_translate('after', 'es', 'en', 'rl1')" 2>&1)
t=$(( $(now_ms) - t0 ))
is "$out" "[EN>ES] after" "after the holder was terminated, its slot is free ($t ms)"
tap_done
