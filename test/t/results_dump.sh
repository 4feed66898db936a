#!/usr/bin/env bash
# A real pg_dump / pg_restore into a new database keeps every result and the
# job history: results tables keyed by the row (user tables), the registry
# of results tables, imgtrans.jobs with its id sequence, and the boxes of
# imgtrans_submit jobs in imgtrans.job_boxes (extension tables marked with
# pg_extension_config_dump).  Before 0.9.0 the jobs and boxes were lost.
set -uo pipefail
source "$(dirname "$0")/../workers-lib.sh"

workers_cluster "imgtrans.workers = 2"
create_extension
q -c "CREATE TABLE photos (id int PRIMARY KEY, img bytea)" \
  -c "CREATE TABLE scans (org text, day date, n int, img bytea, PRIMARY KEY (org, day, n))" \
  -c "SELECT imgtrans_setup_results('photos', 'img'), imgtrans_setup_results('scans', 'img')" \
  -c "INSERT INTO photos VALUES (1, pg_read_binary_file('$(fixture hello.png)')),
                                (2, pg_read_binary_file('$(fixture doc.png)'))" \
  -c "INSERT INTO scans VALUES ('acme', '2024-05-01', 1, pg_read_binary_file('$(fixture hello.jpg)'))" \
  -c "SELECT imgtrans_submit(pg_read_binary_file('$(fixture hello.png)'))" \
  -c "SELECT imgtrans_submit(pg_read_binary_file('$(fixture truncated.png)'), 'eng', NULL, '{\"max_attempts\": 1}')" \
  >/dev/null || bail "setup failed"
q -c "UPDATE photos SET img = pg_read_binary_file('$(fixture hello.png)') WHERE id = 2" >/dev/null
wait_until 120 "SELECT bool_and(imgtrans_wait(id, '100 seconds') IN ('done', 'failed')) FROM imgtrans.jobs" \
  || bail "jobs did not end"

# everything a backup must keep, as one line per table
snapshot() {
  q -d "$1" -c "SELECT 'jobs ' || count(*) || ' ' || md5(string_agg(concat_ws(',', id, kind, owner, source_table, source_key,
                        status, attempts, error, created_at, finished_at), ';' ORDER BY id)) FROM imgtrans.jobs" \
        -c "SELECT 'job_boxes ' || count(*) || ' ' || md5(string_agg(b::text, ';' ORDER BY job_id, box_no)) FROM imgtrans.job_boxes b" \
        -c "SELECT 'photos ' || count(*) || ' ' || md5(string_agg(t::text, ';' ORDER BY id, box_no)) FROM photos_imgtrans_boxes t" \
        -c "SELECT 'photos_text ' || count(*) || ' ' || md5(string_agg(t::text, ';' ORDER BY id)) FROM photos_imgtrans_text t" \
        -c "SELECT 'scans ' || count(*) || ' ' || md5(string_agg(t::text, ';' ORDER BY box_no)) FROM scans_imgtrans_boxes t" \
        -c "SELECT 'registry ' || string_agg(concat_ws(',', source_table, boxes_table, text_table), ';' ORDER BY source_table::text)
            FROM imgtrans.result_tables" \
        -c "SELECT 'sequence ' || last_value FROM imgtrans.jobs_id_seq"
}
before=$(snapshot postgres)
echo "$before" | sed 's/^/# before: /'
is "$(echo "$before" | grep -c '^jobs 6 \|^job_boxes 3 \|^photos 6 \|^photos_text 2 \|^scans 3 ')" 5 \
   "6 jobs (one a re-upload, one failed), 3 submitted boxes, results of 3 rows"

DUMP=$CLUSTER_DIR/backup.dump
as_pg "$PGBIN/pg_dump" -h 127.0.0.1 -p "$PGPORT" -U postgres -Fc -f "$DUMP" postgres
ok_rc $? "pg_dump"
q -c "CREATE DATABASE restored" >/dev/null
as_pg "$PGBIN/pg_restore" -h 127.0.0.1 -p "$PGPORT" -U postgres --exit-on-error -d restored "$DUMP"
ok_rc $? "pg_restore into a new database, no error"
after=$(snapshot restored)
is "$after" "$before" "jobs, staged boxes, results tables, registry and the job id sequence are identical"

is "$(q -d restored -c "SELECT p.id || ': ' || t.text FROM photos p JOIN photos_imgtrans_text t USING (id) ORDER BY 1")" \
   "$(printf '1: Hello imgtrans world\n2: Hello imgtrans world')" "a row still joins to its current text"
is "$(q -d restored -c "SELECT count(*) FROM pg_indexes WHERE indexname = 'photos_imgtrans_text_tsv' AND indexdef ~ 'gin'")" 1 \
   "the GIN index is restored"
q -d restored -c "DELETE FROM scans" >/dev/null
is "$(q -d restored -c "SELECT count(*) FROM scans_imgtrans_boxes")" 0 "deleting a restored row removes its results"
is "$(q -d restored -c "SELECT count(*) FROM pg_trigger WHERE tgname = 'imgtrans_results'")" 2 "the enqueue triggers are restored"
finish
