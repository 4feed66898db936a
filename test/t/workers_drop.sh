#!/usr/bin/env bash
# DROP EXTENSION while a job runs, and DROP DATABASE of the workers'
# database: neither is blocked, the workers neither spin nor crash-loop,
# and jobs flow again once the extension / database is back.
set -uo pipefail
source "$(dirname "$0")/../workers-lib.sh"

workers_cluster "imgtrans.database = 'jobsdb'"
# the database does not exist yet: the launcher waits without spinning
sleep 1
is "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'imgtrans worker'")" 0 \
   "no workers while imgtrans.database does not exist"
q -c "CREATE DATABASE jobsdb" || bail "CREATE DATABASE failed"
export PGDATABASE=jobsdb
create_extension
load_images

cpu_of_workers() {  # total utime+stime ticks of the worker processes
  local total=0 p
  for p in $(q -d postgres -c "SELECT pid FROM pg_stat_activity WHERE backend_type LIKE 'imgtrans%'"); do
    [ -r /proc/$p/stat ] && total=$((total + $(awk '{print $14 + $15}' /proc/$p/stat)))
  done
  echo $total
}

q -c "SELECT imgtrans_submit(img) FROM imgs, generate_series(1, 3) WHERE name = 'tall'" >/dev/null
wait_until 60 "SELECT EXISTS (SELECT FROM imgtrans.workers WHERE phase = 'ocr')"
ok_rc $? "a job is in its OCR phase"
t0=$(now_ms)
PGOPTIONS="-c statement_timeout=60s" q -c "DROP EXTENSION imgtrans"
ok_rc $? "DROP EXTENSION while a job runs"
echo "# DROP EXTENSION took $(( $(now_ms) - t0 )) ms"
wait_until 30 "SELECT count(*) = 2 FROM pg_stat_activity WHERE backend_type = 'imgtrans worker'
               AND query = 'imgtrans worker: waiting for CREATE EXTENSION imgtrans'"
ok_rc $? "both workers wait for CREATE EXTENSION"
c0=$(cpu_of_workers); sleep 3; c1=$(cpu_of_workers)
[ $((c1 - c0)) -le 10 ]
ok_rc $? "idle workers use no CPU ($((c1 - c0)) ticks in 3 s)"

create_extension
load_images
job=$(q -c "SELECT imgtrans_submit(img) FROM imgs WHERE name = 'hello'")
is "$(q -c "SELECT imgtrans_wait($job, '60 seconds')")" done "jobs run again after CREATE EXTENSION"

q -c "SELECT imgtrans_submit(img) FROM imgs, generate_series(1, 3) WHERE name = 'tall'" >/dev/null
wait_until 60 "SELECT EXISTS (SELECT FROM imgtrans.workers WHERE phase = 'ocr')"
ok_rc $? "a job is in its OCR phase"
t0=$(now_ms)
q -d postgres -c "DROP DATABASE jobsdb"
ok_rc $? "DROP DATABASE of the workers' database while a job runs"
echo "# DROP DATABASE took $(( $(now_ms) - t0 )) ms"
sleep 2
is "$(q -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'imgtrans worker'")" 0 \
   "no workers while the database is gone"
is "$(q -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'imgtrans launcher'")" 1 \
   "the launcher is still there"

q -d postgres -c "CREATE DATABASE jobsdb" || bail "CREATE DATABASE failed"
create_extension
load_images
job=$(q -c "SELECT imgtrans_submit(img) FROM imgs WHERE name = 'hello'")
is "$(q -c "SELECT imgtrans_wait($job, '90 seconds')")" done "jobs run again in the new database"
is "$(grep -c 'terminated by signal\|"imgtrans launcher" (PID [0-9]*) exited' "$CLUSTER_DIR/server.log")" 0 \
   "no process crashed, the launcher never exited"
finish
