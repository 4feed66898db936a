#!/usr/bin/env bash
# Statistics and Prometheus (issue 16): without shared_preload_libraries the
# functions work and the stats views say what to do; with it, the real
# prometheus-postgres-exporter (Debian's, installed if missing) on 127.0.0.1
# with prometheus/queries.yaml exports the imgtrans series with the values a
# known sequence of calls and jobs gives, as a pg_monitor role.  The
# exporter's default metrics are off, so a scrape is quick; everything is
# bounded in time and stopped by PID.
set -uo pipefail
source "$(dirname "$0")/../workers-lib.sh"
source "$IMGTRANS_ROOT/scripts/services-translate.sh"

EXPORTER=/usr/bin/prometheus-postgres-exporter
EXP_PID=""
STUB_DIR=""
stop_all() {
  [ -n "$EXP_PID" ] && stop_pid "$EXP_PID"
  [ -n "${STUB_PID:-}" ] && stub_stop
  [ -n "$STUB_DIR" ] && rm -rf "$STUB_DIR"
  cluster_stop
}
trap stop_all EXIT

[ -x "$EXPORTER" ] || imgtrans_deps >/dev/null || true
[ -x "$EXPORTER" ] || bail "prometheus-postgres-exporter is not installed (scripts/lib.sh imgtrans_deps)"

# --- not preloaded -----------------------------------------------------------
cluster_start "" || exit 1
create_extension
is "$(q -c "SELECT string_agg(text, ' ') FROM imgtrans_ocr(pg_read_binary_file('$(fixture hello.png)'))")" \
  "Hello imgtrans world" "not preloaded: the functions work"
err=$(q -c "SELECT * FROM imgtrans.stats" 2>&1)
echo "$err" | grep -q "ERROR:  imgtrans statistics need the imgtrans library in shared_preload_libraries"
ok_rc $? "not preloaded: imgtrans.stats raises a clear error"
echo "$err" | grep -q "HINT:  Add imgtrans to shared_preload_libraries"
ok_rc $? "... with a hint"
cluster_stop

# --- preloaded: a known sequence ----------------------------------------------
workers_cluster "imgtrans.workers = 1"
create_extension
stub=${IMGTRANS_STUB_URL:-}
if [ -z "$stub" ]; then
  STUB_DIR=$(mktemp -d /tmp/imgtrans-stats-stub.XXXXXX)
  stub_start "$STUB_DIR" >/dev/null 2>&1 && stub=$STUB_URL
fi
q -c "CREATE ROLE tenant" -c "CREATE ROLE prom LOGIN IN ROLE pg_monitor" \
  -c "CREATE TABLE imgs (name text PRIMARY KEY, img bytea)" \
  -c "INSERT INTO imgs VALUES ('hello', pg_read_binary_file('$(fixture hello.png)')),
                              ('truncated', pg_read_binary_file('$(fixture truncated.png)'))" \
  -c "GRANT SELECT ON imgs TO tenant" \
  -c "SELECT imgtrans_add_provider('stub', 'libretranslate', '$stub/libre', 'libre-test-key')" >/dev/null \
  || bail "setup failed"
q -c "SELECT imgtrans_stats_reset()" >/dev/null
tenant() { q -c "SET ROLE tenant" -c "$1"; }
for _ in 1 2 3; do tenant "SELECT format FROM imgtrans_image_info((SELECT img FROM imgs WHERE name = 'hello'))" >/dev/null; done
tenant "SELECT count(*) FROM imgtrans_ocr((SELECT img FROM imgs WHERE name = 'hello'))" >/dev/null
tenant "SELECT imgtrans_ocr_text((SELECT img FROM imgs WHERE name = 'truncated'))" >/dev/null 2>&1
tenant "SELECT imgtrans_translate('one', 'es', 'en', 'stub')" >/dev/null
tenant "SELECT imgtrans_translate('one', 'es', 'en', 'stub')" >/dev/null
tenant "SELECT imgtrans_translate('__429__', 'es', 'en', 'stub')" >/dev/null 2>&1
ok_job=$(tenant "SELECT imgtrans_submit(img) FROM imgs WHERE name = 'hello'" | tail -1)
bad_job=$(tenant "SELECT imgtrans_submit(img, 'eng', NULL, '{\"max_attempts\": 2}') FROM imgs WHERE name = 'truncated'" | tail -1)
is "$(q -c "SELECT imgtrans_wait($ok_job, '60 s')")" done "job done"
is "$(q -c "SELECT imgtrans_wait($bad_job, '60 s')")" failed "poison job failed after 2 attempts"
# one job that stays queued, created 90 s ago
q -c "INSERT INTO imgtrans.jobs (kind, owner, image, lang, next_attempt_at, created_at)
      VALUES ('ocr', 'tenant', '\x00', 'eng', now() + interval '1 hour', now() - interval '90 s')" >/dev/null
wait_until 20 "SELECT count(*) = 0 FROM imgtrans.workers WHERE job IS NOT NULL" || true

# --- the exporter ------------------------------------------------------------
port=$(free_port)
EXP_LOG=$CLUSTER_DIR/exporter.log
DATA_SOURCE_NAME="postgresql://prom@127.0.0.1:$PGPORT/postgres?sslmode=disable" \
  setsid "$EXPORTER" --web.listen-address="127.0.0.1:$port" \
  --extend.query-path="$IMGTRANS_ROOT/prometheus/queries.yaml" \
  --disable-default-metrics --disable-settings-metrics \
  --no-collector.database --no-collector.bgwriter --log.level=warn >"$EXP_LOG" 2>&1 &
EXP_PID=$!
up=1
for _ in $(seq 1 100); do
  curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$port/" && { up=0; break; }
  kill -0 "$EXP_PID" 2>/dev/null || break
  sleep 0.1
done
ok_rc $up "exporter listens on 127.0.0.1:$port (pid $EXP_PID)" || { cat "$EXP_LOG"; bail "no exporter"; }
M=$CLUSTER_DIR/metrics.txt
t0=$(now_ms)
curl -s --max-time 20 "http://127.0.0.1:$port/metrics" >"$M"
ok_rc $? "scraped /metrics in $(( $(now_ms) - t0 )) ms"

# metric NAME LABEL=VALUE...: the value of the one series with those labels
metric() {
  local name=$1 line
  shift
  line=$(grep "^$name{" "$M")
  for l in "$@"; do line=$(echo "$line" | grep -F "${l%%=*}=\"${l#*=}\""); done
  [ "$(echo "$line" | grep -c .)" = 1 ] && echo "${line##* }"
}
num() { python3 -c 'import sys; print(int(float(sys.argv[1])) if float(sys.argv[1]).is_integer() else sys.argv[1])' "${1:-nan}" 2>/dev/null; }
series() { is "$(num "$(metric "$@")")" "$EXPECT" "$*"; }

EXPECT=3 series imgtrans_function_calls function=imgtrans_image_info role=tenant database=postgres
EXPECT=0 series imgtrans_function_errors function=imgtrans_image_info role=tenant
EXPECT=1 series imgtrans_function_errors function=imgtrans_ocr_text role=tenant
# 1 direct call, and the worker's for the tenant's jobs: 1 (done) + 2 (failed twice)
EXPECT=4 series imgtrans_function_calls function=imgtrans_ocr role=tenant
EXPECT=2 series imgtrans_function_errors function=imgtrans_ocr role=tenant
EXPECT=2 series imgtrans_function_pages function=imgtrans_ocr role=tenant
EXPECT=95040 series imgtrans_function_pixels function=imgtrans_ocr role=tenant
EXPECT=3 series imgtrans_function_calls function=imgtrans_translate role=tenant
EXPECT=2 series imgtrans_provider_requests provider=stub role=tenant
EXPECT=1 series imgtrans_provider_errors provider=stub role=tenant
EXPECT=1 series imgtrans_provider_cache_hits provider=stub role=tenant
EXPECT=2 series imgtrans_provider_cache_misses provider=stub role=tenant
EXPECT=1 series imgtrans_provider_http_errors provider=stub status=429 role=tenant
EXPECT=1 series imgtrans_jobs_done kind=ocr role=tenant
EXPECT=1 series imgtrans_jobs_failed kind=ocr role=tenant
EXPECT=1 series imgtrans_jobs_retried kind=ocr role=tenant
EXPECT=3 series imgtrans_jobs_attempts kind=ocr role=tenant
EXPECT=1 series imgtrans_queue_jobs status=queued
EXPECT=1 series imgtrans_queue_jobs status=done
EXPECT=1 series imgtrans_queue_jobs status=failed
EXPECT=0 series imgtrans_queue_jobs status=running
EXPECT=1 series imgtrans_workers_workers
EXPECT=0 series imgtrans_workers_busy
age=$(metric imgtrans_queue_oldest_age_seconds status=queued)
python3 -c "import sys; sys.exit(0 if 90 <= float(sys.argv[1]) < 600 else 1)" "${age:-0}"
ok_rc $? "oldest queued job's age is 90 s or a little more ($age)"
run=$(metric imgtrans_jobs_mean_run_seconds kind=ocr role=tenant)
python3 -c "import sys; sys.exit(0 if 0 < float(sys.argv[1]) < 60 else 1)" "${run:-0}"
ok_rc $? "mean run time of the ocr jobs is measured ($run s)"
EXPECT=0 series imgtrans_stats_dropped
is "$(grep -c '^pg_stat_' "$M")" 0 "no default metrics (pg_stat_*) scraped"
is "$(grep -c 'error' "$EXP_LOG")" 0 "the exporter logged no query error"
[ "$TAP_FAILED" != 0 ] && { echo "# metrics:"; grep '^imgtrans_' "$M" | sed 's/^/#   /'; cat "$EXP_LOG"; }

stop_pid "$EXP_PID"
kill -0 "$EXP_PID" 2>/dev/null
is $? 1 "exporter stopped by PID"
EXP_PID=""
finish
