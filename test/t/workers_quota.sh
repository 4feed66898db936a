#!/usr/bin/env bash
# Per-role queue limit and fair scheduling between roles (issue 16):
#   - imgtrans.max_queued_jobs_per_role, set per role by a superuser
#     (ALTER ROLE ... SET); the role cannot raise it itself; past it
#     imgtrans_submit and the enqueue trigger raise 53400 with a hint, and
#     other roles' jobs keep flowing;
#   - one role's 2,000 queued jobs (even at a high priority) do not delay
#     another role's single job by more than a few jobs' time: counted as
#     the first role's jobs that started between the second role's submit
#     and the start of its job.
# Never leaves the 2,000 queued jobs behind: they are cancelled at the end.
set -uo pipefail
source "$(dirname "$0")/../workers-lib.sh"

workers_cluster "imgtrans.workers = 2"
create_extension
load_images
q -c "CREATE ROLE alice LOGIN" -c "CREATE ROLE bob LOGIN" \
  -c "GRANT SELECT ON imgs TO alice, bob" >/dev/null || bail "roles"
a() { q -U alice "$@"; }
b() { q -U bob "$@"; }

# --- who may set the limit ------------------------------------------------------
q -c "ALTER ROLE alice SET imgtrans.max_queued_jobs_per_role = 5" || bail "ALTER ROLE"
err=$(a -c "SET imgtrans.max_queued_jobs_per_role = 0" 2>&1)
echo "$err" | grep -q 'permission denied to set parameter "imgtrans.max_queued_jobs_per_role"'
ok_rc $? "a role cannot SET its own limit"
err=$(a -c "ALTER ROLE alice SET imgtrans.max_queued_jobs_per_role = 0" 2>&1)
echo "$err" | grep -q "permission denied"
ok_rc $? "... nor ALTER ROLE itself"
is "$(a -c "SHOW imgtrans.max_queued_jobs_per_role")" 5 "alice's sessions see her limit"

# --- the limit -------------------------------------------------------------------
err=$(a -c "\set VERBOSITY verbose" -c "BEGIN" \
        -c "SELECT count(imgtrans_submit(img)) FROM imgs, generate_series(1, 5) WHERE name = 'hello'" \
        -c "SELECT imgtrans_submit(img) FROM imgs WHERE name = 'hello'" 2>&1)
echo "$err" | grep -q 'ERROR:  53400: role "alice" already has 5 unfinished imgtrans jobs, its limit'
ok_rc $? "the 6th unfinished job of alice: ERROR 53400"
echo "$err" | grep -q "HINT:  Wait for some of them to finish (imgtrans_wait) or cancel some (imgtrans_cancel); a superuser can raise the limit"
ok_rc $? "... with a hint"
q -c "CREATE TABLE apics (id int PRIMARY KEY, img bytea)" -c "ALTER TABLE apics OWNER TO alice" >/dev/null
a -c "CREATE TRIGGER apics AFTER INSERT ON apics FOR EACH ROW EXECUTE FUNCTION imgtrans_enqueue('img')" >/dev/null
err=$(a -c "\set VERBOSITY verbose" -c "INSERT INTO apics SELECT g, img FROM imgs, generate_series(1, 6) g WHERE name = 'hello'" 2>&1)
echo "$err" | grep -q 'ERROR:  53400: role "alice" already has 5 unfinished imgtrans jobs, its limit'
ok_rc $? "the enqueue trigger: the same ERROR at the 6th row"
is "$(q -c "SELECT count(*) FROM apics")" 0 "... and the insert is rolled back"
# a SECURITY DEFINER function owned by alice counts alice's jobs, whoever calls it
q -c "CREATE FUNCTION sub_as_owner(b bytea) RETURNS bigint LANGUAGE sql SECURITY DEFINER RETURN imgtrans_submit(b)" \
  -c "ALTER FUNCTION sub_as_owner(bytea) OWNER TO alice" -c "GRANT EXECUTE ON FUNCTION sub_as_owner(bytea) TO bob" >/dev/null
err=$(b -c "SELECT count(sub_as_owner(img)) FROM imgs, generate_series(1, 6) WHERE name = 'hello'" 2>&1)
echo "$err" | grep -q 'role "alice" already has 5 unfinished imgtrans jobs'
ok_rc $? "jobs queued through alice's SECURITY DEFINER function count against alice's limit"
ids=$(a -c "SELECT string_agg(imgtrans_submit(img)::text, ',') FROM imgs, generate_series(1, 5) WHERE name = 'hello'")
ok_rc $? "5 jobs are within the limit"
bid=$(b -c "SELECT imgtrans_submit(img) FROM imgs WHERE name = 'hello'")
is "$(b -c "SELECT imgtrans_wait($bid, '60 s')")" done "bob's jobs keep flowing"
is "$(a -c "SELECT string_agg(imgtrans_wait(id, '60 s'), ',') FROM unnest('{$ids}'::bigint[]) id")" \
   "done,done,done,done,done" "alice's 5 jobs run"
is "$(a -c "SELECT imgtrans_wait(imgtrans_submit(img), '0 s') IS NOT NULL FROM imgs WHERE name = 'hello'" 2>&1 | grep -c ERROR)" 1 \
   "(waiting in the submitting transaction is refused)"
a -c "SELECT imgtrans_submit(img) FROM imgs WHERE name = 'hello'" >/dev/null
ok_rc $? "once they are done, alice can queue again"

# --- fairness ----------------------------------------------------------------------
q -c "ALTER ROLE alice RESET imgtrans.max_queued_jobs_per_role" >/dev/null
a -c "SELECT count(imgtrans_submit(img, 'eng', NULL, '{\"priority\": 1000}')) FROM imgs, generate_series(1, 2000) WHERE name = 'hello'" >/dev/null
ok_rc $? "alice queues 2,000 jobs at priority 1000"
sleep 1
# bob's job can be claimed from his commit on, not from its created_at: the
# workers go on with alice's jobs while his transaction is open.  So the
# window starts at a timestamp taken in his transaction just before COMMIT
# (a claim whose snapshot is a moment older may still take one of alice's
# jobs: at most one per worker)
bob_out=$(b -c "BEGIN" -c "SELECT imgtrans_submit(img) FROM imgs WHERE name = 'hello'" \
            -c "SELECT clock_timestamp()" -c "COMMIT")
bob_job=$(echo "$bob_out" | sed -n 1p)
bob_commit=$(echo "$bob_out" | sed -n 2p)
is "$(b -c "SELECT imgtrans_wait($bob_job, '60 s')")" done "bob's single job is done"
res=$(q -c "SELECT count(*) FILTER (WHERE a.started_at > '$bob_commit'::timestamptz AND a.started_at < bj.started_at) || ' ' ||
                   count(*) FILTER (WHERE a.status = 'queued') || ' ' ||
                   round(extract(epoch FROM max(bj.started_at - '$bob_commit'::timestamptz)) * 1000)
            FROM imgtrans.jobs a, imgtrans.jobs bj
            WHERE bj.id = $bob_job AND a.owner = 'alice'::regrole")
ahead=$(echo "$res" | cut -d' ' -f1)
left=$(echo "$res" | cut -d' ' -f2)
waited=$(echo "$res" | cut -d' ' -f3)
echo "# alice's jobs started between bob's commit and his job's start: $ahead; bob's job waited $waited ms after his commit; alice's still queued: $left"
check "at most 2 of alice's jobs went ahead of bob's ($ahead)" test "$ahead" -le 2
check "... while most of alice's jobs were still queued ($left)" test "$left" -gt 1000
q -c "UPDATE imgtrans.jobs SET status = 'cancelled', finished_at = now() WHERE status = 'queued'" >/dev/null
finish
