#!/usr/bin/env bash
# Prompt wait and cancel (issue 16), measured inside the server:
#   - workers notice CREATE EXTENSION imgtrans at once (its commit wakes
#     them), not after their 10 s idle poll;
#   - imgtrans_wait() returns when the job's commit wakes it (the latency
#     from the job's finished_at to the wait's return; its only poll is a
#     1 s safety net, so a lost wake-up would show as hundreds of ms);
#   - waiting for a job the current transaction queued is an ERROR at once;
#   - imgtrans_cancel() of a running job stops the worker's OCR: the time
#     from the cancel to the worker's next phase (the slot's own "since"),
#     the job ends cancelled and nothing of it is kept.
# Never asserts on wall time seen by psql where a server timestamp can be used.
set -uo pipefail
source "$(dirname "$0")/../workers-lib.sh"

workers_cluster "imgtrans.workers = 2"
wait_until 30 "SELECT count(*) = 2 FROM pg_stat_activity WHERE backend_type = 'imgtrans worker'
               AND query = 'imgtrans worker: waiting for CREATE EXTENSION imgtrans'"
ok_rc $? "2 workers wait for CREATE EXTENSION"
sleep 0.5   # into their idle sleep
created=$(q -c "CREATE EXTENSION imgtrans" -c "SELECT clock_timestamp()")
wait_until 10 "SELECT count(*) = 2 FROM imgtrans.workers WHERE phase = 'waiting for jobs'"
ok_rc $? "both workers found the extension"
noticed=$(q -c "SELECT round(extract(epoch FROM max(since) - '$created'::timestamptz) * 1000) FROM imgtrans.workers")
echo "# workers noticed CREATE EXTENSION after $noticed ms"
check "... within 2 s of its commit ($noticed ms)" test "$noticed" -lt 2000
load_images
first=$(q -c "SELECT imgtrans_submit(img) FROM imgs WHERE name = 'hello'")
is "$(q -c "SELECT imgtrans_wait($first, '30 s')")" done "the first job of the fresh install is done"
took=$(q -c "SELECT round(extract(epoch FROM finished_at - created_at) * 1000) FROM imgtrans.jobs WHERE id = $first")
echo "# first job done $took ms after it was submitted, $(q -c "SELECT round(extract(epoch FROM finished_at - '$created'::timestamptz) * 1000) FROM imgtrans.jobs WHERE id = $first") ms after CREATE EXTENSION"
check "... within 3 s of its submission, engine load included ($took ms)" test "$took" -lt 3000

# --- waiting for a job of the current transaction -----------------------------
t0=$(now_ms)
err=$(q -c "\set VERBOSITY verbose" -c "SELECT imgtrans_wait(imgtrans_submit(img), '30 s') FROM imgs WHERE name = 'hello'" 2>&1)
t=$(( $(now_ms) - t0 ))
echo "$err" | grep -q "ERROR:  55000: imgtrans job [0-9]* was queued by the current transaction, so no worker can run it yet"
ok_rc $? "waiting for a job queued by the same transaction: ERROR 55000"
echo "$err" | grep -q "HINT:  Commit the transaction that queued the job, then wait for it in a new one."
ok_rc $? "... with a hint"
check "... at once ($t ms, psql start included)" test "$t" -lt 5000

# --- wake-up latency --------------------------------------------------------------
sql="CREATE TEMP TABLE lat (job bigint, status text, woke timestamptz);"
for i in 1 2 3 4 5; do
  sql="$sql
SELECT imgtrans_submit(img) AS id FROM imgs WHERE name = 'hello' \\gset
INSERT INTO lat SELECT :id, w, c.t FROM imgtrans_wait(:id, '60 s') w CROSS JOIN LATERAL (SELECT clock_timestamp() AS t, w AS after_wait) c;"
done
sql="$sql
SELECT string_agg(l.status, ',') || ' ' || round(max(extract(epoch FROM l.woke - j.finished_at)) * 1000)
       || ' ' || string_agg(round(extract(epoch FROM l.woke - j.finished_at) * 1000, 1)::text, ',')
FROM lat l JOIN imgtrans.jobs j ON j.id = l.job;"
out=$(echo "$sql" | q)
echo "# wake latencies (finished_at to the wait's return, ms): ${out##* }"
statuses=${out%% *}
worst=$(echo "$out" | cut -d' ' -f2)
is "$statuses" "done,done,done,done,done" "5 waits return done"
check "imgtrans_wait wakes at the job's commit: worst of 5 is $worst ms (< 200)" test "$worst" -lt 200

# --- cancel a running job ----------------------------------------------------------
tall=$(tall_image)
# 16 pages of doc.png on one image, some 10 s of tesseract: the cancel must
# land inside its OCR however late a busy machine lets the poll see it begin
/usr/bin/convert "$tall" "$tall" "$tall" "$tall" -append "$CLUSTER_DIR/taller.png"
[ "$(id -u)" = 0 ] && chown postgres: "$CLUSTER_DIR/taller.png"
results=$(q -c "CREATE TABLE pics (id int PRIMARY KEY, img bytea)" \
  -c "SELECT imgtrans_setup_results('pics', 'img')")
q -c "INSERT INTO pics VALUES (1, pg_read_binary_file('$CLUSTER_DIR/taller.png'))" >/dev/null
job=$(q -c "SELECT id FROM imgtrans.jobs WHERE source_table = 'pics'::regclass")
wait_until 20 "SELECT EXISTS (SELECT FROM imgtrans.workers WHERE job = $job AND phase = 'ocr')"
ok_rc $? "the job runs its OCR"
sleep 0.5
worker=$(q -c "SELECT pid FROM imgtrans.workers WHERE job = $job")
cancelled_at=$(q -c "SELECT imgtrans_cancel($job)::text || ' ' || clock_timestamp()")
is "${cancelled_at%% *}" true "imgtrans_cancel() of the running job" ||
  echo "# the job: $(q -c "SELECT status || ', ran ' || (finished_at - started_at) FROM imgtrans.jobs WHERE id = $job")"
cancelled_at=${cancelled_at#* }
wait_until 10 "SELECT NOT EXISTS (SELECT FROM imgtrans.workers WHERE pid = $worker AND (job = $job OR phase = 'ocr'))"
ok_rc $? "the worker leaves the job"
reaction=$(q -c "SELECT round(extract(epoch FROM since - '$cancelled_at'::timestamptz) * 1000) FROM imgtrans.workers WHERE pid = $worker")
echo "# worker $worker left the cancelled job's OCR $reaction ms after imgtrans_cancel()"
check "... within 500 ms ($reaction ms)" test "$reaction" -lt 500
is "$(q -c "SELECT status FROM imgtrans.jobs WHERE id = $job")" cancelled "the job ends cancelled"
is "$(q -c "SELECT count(*) FROM imgtrans.job_boxes WHERE job_id = $job")" 0 "no job_boxes of it"
is "$(q -c "SELECT count(*) FROM $results")" 0 "no results rows of it"
grep -q "imgtrans job $job was cancelled while it ran" "$CLUSTER_DIR/server.log"
ok_rc $? "the worker logs that it discarded the job"
# the worker goes on with the next job
next=$(q -c "SELECT imgtrans_submit(img) FROM imgs WHERE name = 'hello'")
is "$(q -c "SELECT imgtrans_wait($next, '30 s')")" done "the next job runs normally"
finish
