#!/usr/bin/env bash
# A poison job (an image that fails to decode every time) ends failed with
# its error after max_attempts, with growing backoff between attempts;
# the other jobs flow meanwhile, the worker that hit the error keeps
# running, and NOTIFY imgtrans_jobs reports the end of each job.
set -uo pipefail
source "$(dirname "$0")/../workers-lib.sh"

workers_cluster "imgtrans.job_retry_delay = 400"
create_extension
load_images
wait_until 30 "SELECT count(*) = 2 FROM imgtrans.workers"
ok_rc $? "2 workers up"
pids_before=$(q -c "SELECT string_agg(pid::text, ',' ORDER BY pid) FROM imgtrans.workers")

out=$(psql -X -q -tA -v ON_ERROR_STOP=1 <<'SQL'
LISTEN imgtrans_jobs;
SELECT imgtrans_submit(img, 'eng', NULL, '{"max_attempts": 3}') AS poison FROM imgs WHERE name = 'truncated' \gset
SELECT count(imgtrans_submit(img)) FROM imgs, generate_series(1, 8) WHERE name = 'hello';
SELECT imgtrans_wait(:poison, '60 seconds');
SELECT 'poison=' || :poison;
SQL
)
echo "$out" | sed 's/^/# /'
poison=$(echo "$out" | sed -n 's/^poison=//p')
is "$(q -c "SELECT status || ' ' || attempts FROM imgtrans.jobs WHERE id = $poison")" "failed 3" \
   "poison job failed after 3 attempts"
q -c "SELECT error FROM imgtrans.jobs WHERE id = $poison" | grep -q "could not decode png image"
ok_rc $? "its error is recorded"
# backoff 400 ms then 800 ms between the 3 attempts
is "$(q -c "SELECT finished_at - created_at >= interval '1.2 seconds' FROM imgtrans.jobs WHERE id = $poison")" t \
   "attempts were spaced by the backoff (>= 1.2 s in all)"
is "$(grep -c "imgtrans job $poison attempt" "$CLUSTER_DIR/server.log")" 3 "3 attempts logged"
wait_until 60 "SELECT count(*) = 8 FROM imgtrans.jobs WHERE status = 'done'"
ok_rc $? "the 8 good jobs are done"
is "$(q -c "SELECT bool_and(a.ok) FROM (SELECT min(p.created_at) < max(j.finished_at) AS ok
              FROM imgtrans.jobs p, imgtrans.jobs j WHERE p.status = 'failed' AND j.status = 'done') a")" t \
   "good jobs finished while the poison job was retrying"
is "$(q -c "SELECT string_agg(pid::text, ',' ORDER BY pid) FROM imgtrans.workers")" "$pids_before" \
   "the same worker processes are still running"
echo "$out" | grep -q "Asynchronous notification \"imgtrans_jobs\" with payload \"$poison\""
ok_rc $? "NOTIFY imgtrans_jobs with the failed job's id"
q -c "SELECT imgtrans_retry($poison)" >/dev/null
q -c "SELECT imgtrans_wait($poison, '60 seconds')" >/dev/null
is "$(q -c "SELECT status || ' ' || attempts FROM imgtrans.jobs WHERE id = $poison")" \
   "failed 3" "imgtrans_retry runs it again, with fresh attempts"
finish
