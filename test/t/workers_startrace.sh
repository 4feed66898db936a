#!/usr/bin/env bash
# Workers that are starting (registered, connecting, not yet in their slot)
# when a restart or DROP DATABASE comes: they must not escape the stop.
# post_auth_delay = 3 holds every new worker twice on its way in: 3 s before
# it locks the database, 3 s after (then DROP DATABASE waits for it, up to
# 5 s) and before it takes its slot.  Clients set it to 0.
#  1. imgtrans_worker_restart(), then DROP DATABASE while the new workers
#     connect: the drop succeeds at once (before the fix it failed after 5 s,
#     "being accessed by other users": they took their slots after the stop
#     and ran on), and the workers come back in the new database.
#  2. a launcher restarted while its workers run: after a restart of the
#     workers their slots are refilled at once, not after a lost notice.
set -uo pipefail
source "$(dirname "$0")/../workers-lib.sh"

workers_cluster "imgtrans.database = 'jobsdb'
post_auth_delay = 3"
export PGOPTIONS="-c post_auth_delay=0"
q -c "CREATE DATABASE jobsdb" || bail "CREATE DATABASE failed"
export PGDATABASE=jobsdb
create_extension
wait_until 30 "SELECT count(*) = 2 FROM imgtrans.workers"
ok_rc $? "2 workers"

# 1. DROP DATABASE while the restarted workers are connecting
q -c "SELECT imgtrans_worker_restart()" >/dev/null
sleep 4.5   # the new workers are connected, not yet in their slots
t0=$(now_ms)
PGOPTIONS="$PGOPTIONS -c statement_timeout=30s" q -d postgres -c "DROP DATABASE jobsdb"
ok_rc $? "DROP DATABASE while new workers connect"
ms=$(( $(now_ms) - t0 ))
echo "# DROP DATABASE took $ms ms"
[ $ms -lt 4000 ]
ok_rc $? "DROP DATABASE did not wait for workers that ignored the stop"
is "$(q -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'imgtrans worker'")" 0 \
   "no workers while the database is gone"

q -d postgres -c "CREATE DATABASE jobsdb" || bail "CREATE DATABASE failed"
create_extension
q -c "SELECT imgtrans_worker_restart()" >/dev/null   # must not cut the DROP pause short
wait_until 40 "SELECT count(*) = 2 FROM imgtrans.workers"
ok_rc $? "2 workers in the new database"
load_images
job=$(q -c "SELECT imgtrans_submit(img) FROM imgs WHERE name = 'hello'")
is "$(q -c "SELECT imgtrans_wait($job, '60 seconds')")" done "a job runs in the new database"

# 2. a new launcher, workers started by the old one: refilled at once
q -d postgres -c "ALTER SYSTEM SET post_auth_delay = 0" -c "SELECT pg_reload_conf()" >/dev/null
launcher=$(q -c "SELECT pid FROM pg_stat_activity WHERE backend_type = 'imgtrans launcher'")
kill -TERM "$launcher"
wait_until 30 "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE backend_type = 'imgtrans launcher'
                                                          AND pid <> $launcher)"
ok_rc $? "the postmaster restarted the launcher"
sleep 2   # past the new launcher's first look at the slots
q -c "DROP TABLE IF EXISTS old_workers; CREATE TABLE old_workers AS SELECT pid FROM imgtrans.workers"
t0=$(now_ms)
q -c "SELECT imgtrans_worker_restart()" >/dev/null
wait_until 4 "SELECT count(*) = 2 FROM imgtrans.workers WHERE pid NOT IN (SELECT pid FROM old_workers)"
ok_rc $? "2 new workers after a restart, though their exit notices went to the old launcher"
echo "# refilled in $(( $(now_ms) - t0 )) ms"
finish
