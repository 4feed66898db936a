# scripts/services-translate.sh: the translation services the tests need.
# Source it after scripts/lib.sh; it defines functions only.
#
#   apy_start DIR        Apertium APy (apertium-eng-spa) on a free 127.0.0.1
#                        port; sets APY_URL and APY_PID, logs to DIR/apy.log
#   apy_stop             stop it (its process group) by PID
#   stub_start DIR       test/stub_provider.py (DeepL, Google, LibreTranslate
#                        look-alike) on free 127.0.0.1 ports, plain and TLS
#                        (self-signed); sets STUB_URL, STUB_TLS_URL, STUB_PID,
#                        STUB_FAILURES (requests the stub rejected, one a line)
#   stub_stop
#   translate_services_start / translate_services_stop
#                        both of the above, exporting IMGTRANS_APERTIUM_URL,
#                        IMGTRANS_STUB_URL, IMGTRANS_STUB_TLS_URL and
#                        IMGTRANS_STUB_FAILURES for the SQL (\getenv) and
#                        shell tests
#
# Every start waits (bounded) until the service answers; every stop kills
# by PID only.

TRANSLATE_PY=/usr/bin/python3   # Debian's, which has APy's tornado

# wait_http URL SECONDS: until URL answers 2xx
wait_http() {
  local url=$1 i
  for i in $(seq 1 $(( $2 * 5 ))); do
    "$TRANSLATE_PY" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' \
      "$url" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "no answer from $url after $2 s" >&2
  return 1
}

# stop_pid PID: TERM the process group led by PID, KILL after 5 s
stop_pid() {
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
}

# bg_start LOG URL SECONDS CMD...: CMD in its own process group, logging to
# LOG, until URL answers (bounded); sets BG_PID
bg_start() {
  local logf=$1 url=$2 secs=$3
  shift 3
  setsid "$@" >"$logf" 2>&1 &
  BG_PID=$!
  wait_http "$url" "$secs" || { cat "$logf" >&2; stop_pid "$BG_PID"; return 1; }
}

apy_start() {
  local port
  port=$(free_port)
  APY_URL=http://127.0.0.1:$port
  LANG=C.UTF-8 LC_ALL=C.UTF-8 bg_start "$1/apy.log" "$APY_URL/listPairs" 60 \
    "$TRANSLATE_PY" "$IMGTRANS_ROOT/scripts/apy-loopback.py" -p "$port" -j 1 -i 1 \
    /usr/share/apertium/modes || return 1
  APY_PID=$BG_PID
  log "Apertium APy on $APY_URL (pid $APY_PID)"
}

apy_stop() {
  stop_pid "${APY_PID:-}"
  APY_PID=""
}

stub_start() {
  local dir=$1 port tls_port
  port=$(free_port)
  tls_port=$(free_port)
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -keyout "$dir/stub.key" -out "$dir/stub.crt" >/dev/null 2>&1 || return 1
  STUB_FAILURES=$dir/stub-failures.txt
  STUB_URL=http://127.0.0.1:$port
  STUB_TLS_URL=https://127.0.0.1:$tls_port
  bg_start "$dir/stub.log" "$STUB_URL/libre/languages" 20 \
    "$TRANSLATE_PY" "$IMGTRANS_ROOT/test/stub_provider.py" "$port" "$STUB_FAILURES" \
    "$tls_port" "$dir/stub.crt" "$dir/stub.key" || return 1
  STUB_PID=$BG_PID
  log "provider stub on $STUB_URL and $STUB_TLS_URL (pid $STUB_PID)"
}

stub_stop() {
  stop_pid "${STUB_PID:-}"
  STUB_PID=""
}

translate_services_start() {
  TRANSLATE_SVC_DIR=$(mktemp -d /tmp/imgtrans-translate.XXXXXX)
  apy_start "$TRANSLATE_SVC_DIR" && stub_start "$TRANSLATE_SVC_DIR" || return 1
  export IMGTRANS_APERTIUM_URL=$APY_URL IMGTRANS_STUB_URL=$STUB_URL \
    IMGTRANS_STUB_TLS_URL=$STUB_TLS_URL IMGTRANS_STUB_FAILURES=$STUB_FAILURES
}

translate_services_stop() {
  apy_stop
  stub_stop
  [ -n "${TRANSLATE_SVC_DIR:-}" ] && rm -rf "$TRANSLATE_SVC_DIR"
  TRANSLATE_SVC_DIR=""
}

# the one services_start/services_stop, until the lead wires all services
services_start() { translate_services_start; }
services_stop() { translate_services_stop; }
