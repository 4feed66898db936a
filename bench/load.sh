#!/usr/bin/env bash
# bench/load.sh: a mixed load with pgbench while 2 job workers run (issue 16).
#
#   bench/load.sh                 (CLIENTS=8 DURATION=60 by default)
#
# CLIENTS concurrent sessions (pgbench -c, custom scripts, picked at random
# by weight) for DURATION seconds on a throwaway cluster with
# imgtrans.workers = 2:
#   ocr     (weight 2)  imgtrans_ocr() of a small scan, rows counted
#   submit  (weight 3)  imgtrans_submit() of the same scan (a job)
#   read    (weight 5)  queue depth by status, the workers, and the boxes
#                       of the newest finished job
# Prints per operation: count, throughput (/s), latency p50/p95/p99 (ms,
# from pgbench's per-transaction log), and the errors pgbench counted (must
# be 0: exit status 1 otherwise); then the workers' side: jobs done during
# the run, their rate, and queue wait + run time p50/p95 (created_at to
# finished_at), and the queue left at the end; and whether imgtrans.stats
# (reset after the warm-up) agrees with the driver's counts.
#
# What it must never do: touch a cluster other than its own (127.0.0.1, a
# free port, removed at exit, stopped by PID).  Numbers from a shared
# 2-core machine are noisy; quote them with the machine's load.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
imgtrans_locked "$0" "$@"
cd "$IMGTRANS_ROOT"

CLIENTS=${CLIENTS:-8}
DURATION=${DURATION:-60}
PSQL=(psql -X -q -tA -v ON_ERROR_STOP=1)
WORK=$(mktemp -d /tmp/imgtrans-load.XXXXXX)
chmod 755 "$WORK"

cleanup() { set +e; cluster_stop; rm -rf "$WORK"; }
trap cleanup EXIT

imgtrans_deps
imgtrans_build
cluster_start "shared_preload_libraries = 'imgtrans'
imgtrans.workers = 2
imgtrans.ocr_threads = 1
max_connections = 40"
dir=$(cluster_filedir test/fixtures/hello.png)
"${PSQL[@]}" -c "CREATE EXTENSION imgtrans" \
  -c "CREATE TABLE load_imgs (name text PRIMARY KEY, img bytea)" \
  -c "INSERT INTO load_imgs VALUES ('hello', pg_read_binary_file('$dir/hello.png'))" \
  -c "SELECT count(*) FROM imgtrans_ocr((SELECT img FROM load_imgs))" \
  -c "SELECT imgtrans_stats_reset()" >/dev/null   # warm-up, then statistics from zero

cat >"$WORK/ocr.sql" <<'SQL'
SELECT count(*) FROM imgtrans_ocr((SELECT img FROM load_imgs WHERE name = 'hello'));
SQL
cat >"$WORK/submit.sql" <<'SQL'
SELECT imgtrans_submit(img) FROM load_imgs WHERE name = 'hello';
SQL
cat >"$WORK/read.sql" <<'SQL'
SELECT status, count(*) FROM imgtrans.jobs GROUP BY status;
SELECT count(*) FROM imgtrans.workers WHERE job IS NOT NULL;
SELECT count(*) FROM imgtrans.job_boxes
WHERE job_id = (SELECT max(id) FROM imgtrans.jobs WHERE status = 'done');
SQL

start=$("${PSQL[@]}" -c "SELECT clock_timestamp()")
log "pgbench: $CLIENTS clients, $DURATION s, ocr@2 submit@3 read@5, 2 workers"
[ "$(id -u)" = 0 ] && chown -R postgres: "$WORK"
set +e
(cd "$WORK" && "$PGBIN/pgbench" -n -c "$CLIENTS" -j 2 -T "$DURATION" -l --log-prefix=load \
  -f ocr.sql@2 -f submit.sql@3 -f read.sql@5 >"$WORK/pgbench.out" 2>&1)
rc=$?
set -e
end=$("${PSQL[@]}" -c "SELECT clock_timestamp()")
sed 's/^/# /' "$WORK/pgbench.out" | grep -E "transactions|failed|latency|tps|aborted|ERROR" || true

# per script: count, rate, p50/p95/p99 from the per-transaction log
# (fields: client transaction latency_us script_no epoch_s epoch_us)
cat "$WORK"/load.* | /usr/bin/python3 -c '
import sys
names = ["ocr", "submit", "read"]
lat = {n: [] for n in names}
for line in sys.stdin:
    f = line.split()
    lat[names[int(f[3])]].append(int(f[2]) / 1000.0)
dur = float(sys.argv[1])
def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))] if v else float("nan")
print("%-7s %7s %8s %9s %9s %9s" % ("op", "count", "per_s", "p50_ms", "p95_ms", "p99_ms"))
for n in names:
    v = lat[n]
    print("%-7s %7d %8.2f %9.1f %9.1f %9.1f" % (n, len(v), len(v) / dur, pct(v, 50), pct(v, 95), pct(v, 99)))
' "$DURATION"

failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$WORK/pgbench.out")
aborted=$(grep -c "aborted" "$WORK/pgbench.out" || true)
echo "errors: pgbench exit $rc, failed transactions ${failed:-?}, aborted clients $aborted"
"${PSQL[@]}" -c "SELECT 'jobs done during the run: ' || count(*) || ' (' || round(count(*) / $DURATION.0, 2) || '/s); '
                       || 'queue wait + run p50 ' || round(1000 * extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY finished_at - created_at)))
                       || ' ms, p95 ' || round(1000 * extract(epoch FROM percentile_cont(0.95) WITHIN GROUP (ORDER BY finished_at - created_at))) || ' ms'
                FROM imgtrans.jobs WHERE status = 'done' AND finished_at BETWEEN '$start' AND '$end'" \
              -c "SELECT 'queue at the end: ' || string_agg(status || ' ' || n, ', ' ORDER BY status)
                FROM (SELECT status, count(*) n FROM imgtrans.jobs GROUP BY status) s"
# the statistics view against the driver: submits exactly; imgtrans_ocr =
# the driver's calls + the workers' (a job's OCR is counted for its owner),
# give or take the attempts still running at the end
read -r n_ocr n_submit < <(cat "$WORK"/load.* | awk '$4 == 0 {o++} $4 == 1 {s++} END {print o + 0, s + 0}')
read -r s_ocr s_submit s_err w_attempts running < <("${PSQL[@]}" -F ' ' -c "
  SELECT (SELECT coalesce(sum(calls), 0) FROM imgtrans.stats WHERE function = 'imgtrans_ocr'),
         (SELECT coalesce(sum(calls), 0) FROM imgtrans.stats WHERE function = 'imgtrans_submit'),
         (SELECT coalesce(sum(errors), 0) FROM imgtrans.stats),
         (SELECT coalesce(sum(attempts), 0) FROM imgtrans.job_kind_stats),
         (SELECT count(*) FROM imgtrans.jobs WHERE status = 'running')")
echo "imgtrans.stats: imgtrans_submit calls $s_submit (driver $n_submit), imgtrans_ocr calls $s_ocr" \
     "(driver $n_ocr + workers' attempts $w_attempts, $running running), errors $s_err"
agree=0
[ "$s_submit" = "$n_submit" ] && [ "$s_err" = 0 ] \
  && [ "$s_ocr" -ge $((n_ocr + w_attempts)) ] && [ "$s_ocr" -le $((n_ocr + w_attempts + running + 2)) ] && agree=1
echo "statistics agree with the driver: $([ $agree = 1 ] && echo yes || echo NO)"
[ "$rc" = 0 ] && [ "${failed:-0}" = 0 ] && [ "$aborted" = 0 ] && [ "$agree" = 1 ]
