#!/usr/bin/env bash
# Stop/start of the server with jobs queued and running: after the start
# every job finishes, once.
set -uo pipefail
source "$(dirname "$0")/../workers-lib.sh"

workers_cluster
create_extension
load_images
q -c "SELECT imgtrans_submit(img) FROM imgs, generate_series(1, 6) WHERE name = 'tall'" >/dev/null
wait_until 60 "SELECT EXISTS (SELECT FROM imgtrans.jobs WHERE status = 'running')"
ok_rc $? "a job is running"
before=$(q -c "SELECT count(*) FILTER (WHERE status = 'queued') || ' queued, ' ||
                      count(*) FILTER (WHERE status = 'running') || ' running' FROM imgtrans.jobs")
echo "# at stop: $before"

cluster_restart fast
ok_rc $? "server stopped (fast) and started again"
[ "$(q -c "SELECT count(*) FROM imgtrans.jobs WHERE status = 'done'")" -lt 6 ]
ok_rc $? "jobs were still pending after the start"
wait_until 120 "SELECT count(*) = 6 FROM imgtrans.jobs WHERE status = 'done'"
ok_rc $? "all 6 jobs done after the start"
is "$(q -c "SELECT count(DISTINCT n) || '/' || count(*) FROM (SELECT count(*) n FROM imgtrans.job_boxes GROUP BY job_id) c")" \
   "1/6" "6 jobs with results, each the same number of boxes"
is "$(q -c "SELECT count(*) FROM imgtrans.jobs WHERE error IS NOT NULL OR worker_pid IS NOT NULL")" 0 \
   "no errors left, no worker attached"
finish
