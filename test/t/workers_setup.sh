#!/usr/bin/env bash
# Without shared_preload_libraries the job functions say what to do, and
# in a database other than imgtrans.database they refuse jobs that no
# worker would ever run; the launcher copes with the extension missing.
set -uo pipefail
source "$(dirname "$0")/../workers-lib.sh"

cluster_start "" || exit 1
trap 'cluster_stop' EXIT
create_extension
err=$(q -c "SELECT imgtrans_submit('\x89504e470d0a1a0a'::bytea)" 2>&1)
echo "$err" | grep -q "imgtrans background jobs need the imgtrans library in shared_preload_libraries"
ok_rc $? "not preloaded: imgtrans_submit raises a clear error"
echo "$err" | grep -q "HINT:  Add imgtrans to shared_preload_libraries"
ok_rc $? "... with a hint"
is "$(q -c "SELECT count(*) FROM imgtrans.workers")" 0 "imgtrans.workers is empty"
q -c "SELECT imgtrans_purge('1 day')" >/dev/null
ok_rc $? "admin functions that need no worker still work"
cluster_stop

workers_cluster "imgtrans.workers = 1"
# no extension in imgtrans.database yet: the worker waits, polling rarely
wait_until 30 "SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'imgtrans worker'
               AND query = 'imgtrans worker: waiting for CREATE EXTENSION imgtrans'"
ok_rc $? "1 worker waits for CREATE EXTENSION"
q -c "CREATE DATABASE other"
PGDATABASE=other create_extension
err=$(PGDATABASE=other q -c "SELECT imgtrans_submit('\x89504e470d0a1a0a'::bytea)" 2>&1)
echo "$err" | grep -q 'imgtrans background jobs run in database "postgres", not "other"'
ok_rc $? "other database: imgtrans_submit refuses with the database to use"
create_extension
q -c "CREATE TABLE t (id int PRIMARY KEY, img bytea)" \
  -c "CREATE TRIGGER t AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION imgtrans_enqueue('img')" \
  -c "INSERT INTO t VALUES (1, pg_read_binary_file('$(fixture hello.png)'))"
ok_rc $? "trigger queues a job"
is "$(q -c "SELECT imgtrans_wait(id, '60 seconds') FROM imgtrans.jobs")" done "which the worker runs at once"
is "$(q -c "SELECT string_agg(text, ' ' ORDER BY box_no) FROM t JOIN imgtrans.jobs j
             ON j.source_table = 't'::regclass AND j.source_key = t.id::text
             JOIN imgtrans.job_boxes b ON b.job_id = j.id")" "Hello imgtrans world" "results join to the row"
is "$(q -c "SELECT query FROM pg_stat_activity WHERE backend_type = 'imgtrans worker'")" \
   "imgtrans worker: waiting for jobs" "pg_stat_activity shows the worker's phase"
finish
