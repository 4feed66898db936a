#!/usr/bin/env bash
# kill -9 of a job worker in the middle of a job: the postmaster restarts
# everything, the job is queued again and done exactly once (same boxes as
# its twins, attempts = 2), and the rest of the queue finishes.
set -uo pipefail
source "$(dirname "$0")/../workers-lib.sh"

workers_cluster
create_extension
load_images
q -c "SELECT imgtrans_submit(img) FROM imgs, generate_series(1, 4) WHERE name = 'tall'" >/dev/null

wait_until 60 "SELECT EXISTS (SELECT FROM imgtrans.workers WHERE phase = 'ocr' AND job IS NOT NULL)"
ok_rc $? "a worker is in the OCR phase of a job"
read -r victim_job victim_pid < <(q -F ' ' -c "SELECT job, pid FROM imgtrans.workers WHERE phase = 'ocr' LIMIT 1")
is "$(q -c "SELECT status FROM imgtrans.jobs WHERE id = $victim_job")" running "job $victim_job is running"
kill -KILL "$victim_pid"
ok_rc $? "kill -9 worker $victim_pid during job $victim_job"

wait_until 120 "SELECT count(*) = 4 FROM imgtrans.jobs WHERE status = 'done'"
ok_rc $? "all 4 jobs done after the crash restart"
grep -q "terminated by signal 9" "$CLUSTER_DIR/server.log"
ok_rc $? "the postmaster saw the worker die and restarted"
grep -q "job $victim_job lost its worker; now queued" "$CLUSTER_DIR/server.log"
ok_rc $? "the interrupted job was queued again"
is "$(q -c "SELECT attempts FROM imgtrans.jobs WHERE id = $victim_job")" 2 "interrupted job took 2 attempts"
is "$(q -c "SELECT count(DISTINCT n) FROM (SELECT count(*) n FROM imgtrans.job_boxes GROUP BY job_id) c")" 1 \
   "every job has the same number of boxes (no duplicates, nothing lost)"
[ "$(q -c "SELECT count(*) FROM imgtrans.job_boxes WHERE job_id = $victim_job")" -gt 50 ]
ok_rc $? "the interrupted job has its boxes"
is "$(q -c "SELECT count(*) FROM imgtrans.workers")" 2 "2 workers running again"
finish
