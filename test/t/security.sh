#!/usr/bin/env bash
# An ordinary role (no superuser, no special grants) against a running
# cluster with workers: it cannot gain superuser through a queued job,
# touch server files or crash the cluster through tesseract variables, or
# see other roles' jobs in the worker registry.  Issue 11's attacks, each
# checked by its effect (rolsuper, files in the data directory, the
# postmaster's start time and log: no process crashed).
set -uo pipefail
source "$(dirname "$0")/../workers-lib.sh"

workers_cluster "imgtrans.workers = 2
imgtrans.owner_code_timeout = 3000"
create_extension
DATA=$CLUSTER_DIR/data
start_time=$(q -c "SELECT pg_postmaster_start_time()")
echo "do not truncate me" > "$DATA/victim.txt"
chown postgres: "$DATA/victim.txt" 2>/dev/null
ls_before=$(ls -A "$DATA")
touch "$CLUSTER_DIR/marker"

q -c "CREATE ROLE mallory LOGIN" \
  -c "CREATE SCHEMA mal AUTHORIZATION mallory" \
  -c "CREATE EXTENSION citext SCHEMA mal" \
  -c "CREATE TABLE pics (name text PRIMARY KEY, img bytea)" \
  -c "INSERT INTO pics VALUES ('hello', pg_read_binary_file('$(fixture hello.png)')),
                              ('tall', pg_read_binary_file('$(tall_image)')),
                              ('pages', pg_read_binary_file('$(fixture pages.tif)'))" \
  -c "GRANT SELECT ON pics TO mallory" || bail "setup failed"
m() { q -U mallory "$@"; }
# seen_in_worker NAME: what mal.evil() recorded in a worker process: it ran
# as mallory, and ALTER ROLE mallory SUPERUSER was refused there (42501)
seen_in_worker() {
  is "$(q -c "SELECT string_agg(DISTINCT who || ' ' || what, ',') FROM mal.seen
               WHERE pid IN (SELECT pid FROM imgtrans.worker_status())")" "mallory 42501" "$1"
}

# --- 1. a domain key whose CHECK tries ALTER ROLE ... SUPERUSER -----------
m -c "CREATE TABLE mal.seen (who text, pid int, what text)" \
  -c "CREATE FUNCTION mal.evil(int) RETURNS bool LANGUAGE plpgsql AS \$\$
      BEGIN
        BEGIN
          EXECUTE 'ALTER ROLE mallory SUPERUSER';
          INSERT INTO mal.seen VALUES (current_user, pg_backend_pid(), 'escalated');
        EXCEPTION WHEN OTHERS THEN
          INSERT INTO mal.seen VALUES (current_user, pg_backend_pid(), SQLSTATE);
        END;
        RETURN true;
      END \$\$" \
  -c "CREATE DOMAIN mal.key AS int CHECK (mal.evil(VALUE))" \
  -c "CREATE TABLE mal.docs (id mal.key PRIMARY KEY, img bytea)" \
  -c "CREATE TRIGGER q AFTER INSERT ON mal.docs FOR EACH ROW EXECUTE FUNCTION public.imgtrans_enqueue('img')" \
  -c "INSERT INTO mal.docs SELECT 1, img FROM pics WHERE name = 'hello'" || bail "mallory's setup failed"
is "$(m -c "SELECT imgtrans_wait(id, '60 seconds') FROM imgtrans.jobs WHERE source_table = 'mal.docs'::regclass")" \
   done "the domain-key job is done"
is "$(q -c "SELECT rolsuper FROM pg_roles WHERE rolname = 'mallory'")" f "mallory is not superuser"
seen_in_worker "in the worker the key's CHECK ran as mallory, and ALTER ROLE was refused"
is "$(q -c "SELECT count(*) FROM mal.seen WHERE what = 'escalated'")" 0 "nothing escalated anywhere"
is "$(m -c "SELECT string_agg(b.text, ' ' ORDER BY box_no) FROM imgtrans.job_boxes b
             JOIN imgtrans.jobs j ON j.id = b.job_id WHERE j.source_table = 'mal.docs'::regclass")" \
   "Hello imgtrans world" "and its results are mallory's"

# the same with a 3-page document: pages are read by both workers, each
# reading the source row as mallory (the key's CHECK runs there too)
m -c "DELETE FROM mal.seen" -c "INSERT INTO mal.docs SELECT 2, img FROM pics WHERE name = 'pages'" \
  || bail "mallory's document insert failed"
is "$(m -c "SELECT imgtrans_wait(id, '60 seconds') FROM imgtrans.jobs WHERE source_table = 'mal.docs'::regclass AND source_key = '2'")" \
   done "the domain-key document job is done"
is "$(q -c "SELECT rolsuper FROM pg_roles WHERE rolname = 'mallory'")" f "mallory is still not superuser"
seen_in_worker "every worker that read a page of it ran the key's CHECK as mallory, and ALTER ROLE was refused"
is "$(m -c "SELECT count(*) FROM imgtrans.job_pages p JOIN imgtrans.jobs j ON j.id = p.job_id WHERE j.source_key = '2' AND p.done")" \
   3 "mallory sees the 3 pages of her job in imgtrans.job_pages"
pjob=$(q -c "SELECT imgtrans_submit(img) FROM pics WHERE name = 'pages'")
q -c "SELECT imgtrans_wait($pjob, '60 seconds')" >/dev/null
is "$(q -c "SELECT count(*) FROM imgtrans.job_pages WHERE job_id = $pjob") $(m -c "SELECT count(*) FROM imgtrans.job_pages WHERE job_id = $pjob")" \
   "3 0" "another role's document pages: 3 for postgres, none for mallory"

# --- 1b. settings planted in the worker by the owner's code ---------------
# A plain SET made by mallory's code inside the worker (her key's CHECK, a
# trigger on her results table) must not outlive it: the worker, as the
# bootstrap superuser, would then resolve its own unqualified operators
# (%, <>) in mallory's schema, or run read-only for everyone.
m -c "CREATE FUNCTION mal.pwn(bigint, integer) RETURNS bigint LANGUAGE plpgsql AS \$\$
      BEGIN
        BEGIN
          EXECUTE 'ALTER ROLE mallory SUPERUSER';
          INSERT INTO mal.seen VALUES (current_user, pg_backend_pid(), 'escalated');
        EXCEPTION WHEN OTHERS THEN
          INSERT INTO mal.seen VALUES (current_user, pg_backend_pid(), 'pwn ' || SQLSTATE);
        END;
        RETURN pg_catalog.int8mod(\$1, \$2::bigint);
      END \$\$" \
  -c "CREATE OPERATOR mal.% (LEFTARG = bigint, RIGHTARG = integer, FUNCTION = mal.pwn)" \
  -c "CREATE FUNCTION mal.pwn2(text, text) RETURNS bool LANGUAGE plpgsql AS \$\$
      BEGIN
        PERFORM mal.pwn(0, 1);
        RETURN pg_catalog.textne(\$1, \$2);
      END \$\$" \
  -c "CREATE OPERATOR mal.<> (LEFTARG = text, RIGHTARG = text, FUNCTION = mal.pwn2)" \
  -c "CREATE FUNCTION mal.plant() RETURNS bool LANGUAGE plpgsql AS \$\$
      BEGIN
        IF pg_backend_pid() IN (SELECT pid FROM imgtrans.worker_status()) THEN
          PERFORM pg_catalog.set_config('search_path', 'mal, pg_catalog', false);
          PERFORM pg_catalog.set_config('default_transaction_read_only', 'on', false);
          INSERT INTO mal.seen VALUES (current_user, pg_backend_pid(), 'planted');
        END IF;
        RETURN true;
      END \$\$" \
  -c "CREATE FUNCTION mal.plant_key(int) RETURNS bool LANGUAGE sql AS 'SELECT mal.plant()'" \
  -c "CREATE DOMAIN mal.pkey AS int CHECK (mal.plant_key(VALUE))" \
  -c "CREATE TABLE mal.pdocs (id mal.pkey PRIMARY KEY, img bytea)" \
  -c "SELECT imgtrans_setup_results('mal.pdocs', 'img')" \
  -c "CREATE FUNCTION mal.plant_trigger() RETURNS trigger LANGUAGE plpgsql AS \$\$
      BEGIN PERFORM mal.plant(); RETURN NULL; END \$\$" \
  -c "CREATE TRIGGER plant AFTER INSERT ON mal.pdocs_imgtrans_boxes FOR EACH STATEMENT EXECUTE FUNCTION mal.plant_trigger()" \
  -c "TRUNCATE mal.seen" \
  -c "INSERT INTO mal.pdocs SELECT g, img FROM pics, generate_series(1, 4) g WHERE name = 'hello'" \
  >/dev/null || bail "mallory's planting setup failed"
is "$(m -c "SELECT string_agg(DISTINCT imgtrans_wait(id, '60 seconds'), ',') FROM imgtrans.jobs WHERE source_table = 'mal.pdocs'::regclass")" \
   done "mallory's 4 jobs whose key CHECK and results trigger plant settings are done"
is "$(q -c "SELECT count(*) > 0 FROM mal.seen WHERE what = 'planted' AND pid IN (SELECT pid FROM imgtrans.worker_status())")" t \
   "her code planted search_path and default_transaction_read_only in the workers"
is "$(q -c "SELECT rolsuper FROM pg_roles WHERE rolname = 'mallory'")" f "mallory is not superuser"
is "$(q -c "SELECT count(*) FROM mal.seen WHERE what = 'escalated' OR what LIKE 'pwn%'")" 0 \
   "her operators never ran in a worker (the planted search_path did not outlive her code)"
pj=$(q -c "SELECT imgtrans_submit(img) FROM pics WHERE name = 'hello'")
is "$(q -c "SELECT imgtrans_wait($pj, '60 seconds')")" done "postgres's next job is done (no worker left read-only)"
is "$(q -c "SELECT count(*) FROM imgtrans.worker_status() WHERE phase = 'pausing after an error'")" 0 \
   "no worker is pausing after an error"

# --- 1c. owner code that never returns holds no worker for long ---------
# (imgtrans.owner_code_timeout = 3 s here; 5 min by default)
m -c "CREATE FUNCTION mal.forever(int) RETURNS bool LANGUAGE plpgsql AS \$\$
      BEGIN
        IF pg_backend_pid() IN (SELECT pid FROM imgtrans.worker_status()) THEN
          PERFORM pg_sleep(3600);
        END IF;
        RETURN true;
      END \$\$" \
  -c "CREATE DOMAIN mal.skey AS int CHECK (mal.forever(VALUE))" \
  -c "CREATE TABLE mal.sdocs (id mal.skey PRIMARY KEY, img bytea)" \
  -c "CREATE TRIGGER q AFTER INSERT ON mal.sdocs FOR EACH ROW EXECUTE FUNCTION public.imgtrans_enqueue('img')" \
  -c "INSERT INTO mal.sdocs SELECT g, img FROM pics, generate_series(1, 2) g WHERE name = 'hello'" \
  >/dev/null || bail "mallory's sleeping setup failed"
wait_until 30 "SELECT count(*) = 2 FROM imgtrans.jobs WHERE source_table = 'mal.sdocs'::regclass AND status = 'running'"
ok_rc $? "mallory's 2 jobs whose key CHECK sleeps an hour hold both workers"
t0=$(date +%s%N)
pj=$(q -c "SELECT imgtrans_submit(img) FROM pics WHERE name = 'hello'")
is "$(q -c "SELECT imgtrans_wait($pj, '60 seconds')")" done "postgres's job queued behind them is done"
waited=$(( ($(date +%s%N) - t0) / 1000000 ))
check "within 30 s ($waited ms; each attempt of hers is cancelled after 3 s)" [ "$waited" -lt 30000 ]
wait_until 90 "SELECT bool_and(status = 'failed') FROM imgtrans.jobs WHERE source_table = 'mal.sdocs'::regclass"
ok_rc $? "her jobs fail once their attempts are used up"
is "$(q -c "SELECT DISTINCT error FROM imgtrans.jobs WHERE source_table = 'mal.sdocs'::regclass")" \
   "canceling statement due to statement timeout" "with the timeout as their error"

# --- 2. a key type whose = lives in the user's schema (citext) -------------
m -c "CREATE TABLE mal.ci (id mal.citext PRIMARY KEY, img bytea)" \
  -c "CREATE TRIGGER q AFTER INSERT ON mal.ci FOR EACH ROW EXECUTE FUNCTION public.imgtrans_enqueue('img')" \
  -c "INSERT INTO mal.ci SELECT 'Doc-A', img FROM pics WHERE name = 'hello'"
is "$(m -c "SELECT imgtrans_wait(id, '60 seconds') FROM imgtrans.jobs WHERE source_table = 'mal.ci'::regclass")" \
   done "a citext-keyed row is read through its own = operator"

# --- 3. tesseract variables that write files, hang or abort ----------------
for v in '"debug_file": "'"$DATA"'/victim.txt"' '"tessedit_write_params_to_file": "'"$DATA"'/params.txt"' \
         '"tessedit_write_images": true' '"tessedit_dump_pageseg_images": true' \
         '"classify_debug_level": 1' '"textord_debug_tabfind": 1' '"tessedit_train_from_boxes": true'; do
  err=$(m -c "SELECT imgtrans_ocr_text(img, vars => '{$v}') FROM pics WHERE name = 'hello'" 2>&1)
  echo "$err" | grep -q 'is not allowed' && echo "$err" | grep -q 'HINT:  Allowed variables: tessedit_char_whitelist'
  ok_rc $? "imgtrans_ocr_text refuses {$v}, naming the allowed ones" || echo "$err" | sed 's/^/#   /'
  err=$(m -c "SELECT imgtrans_submit(img, 'eng', NULL, '{\"vars\": {$v}}') FROM pics WHERE name = 'hello'" 2>&1)
  echo "$err" | grep -q 'is not allowed'
  ok_rc $? "imgtrans_submit refuses it too, before a worker sees it" || echo "$err" | sed 's/^/#   /'
done
is "$(cat "$DATA/victim.txt")" "do not truncate me" "no server file was truncated"
is "$(ls -A "$DATA")" "$ls_before" "no file appeared in the data directory"
is "$(find "$DATA" -newer "$CLUSTER_DIR/marker" -type f \( -name '*.tif' -o -name '*.png' -o -name '*.txt' \) | wc -l)" 0 \
   "no debug image or text file anywhere under it"

# --- 4. the worker registry shows a job only to whoever may see it ---------
ids=$(q -c "SELECT string_agg(imgtrans_submit(img)::text, ',') FROM pics, generate_series(1, 4) WHERE name = 'tall'")
mine=$(m -c "SELECT imgtrans_submit(img) FROM pics WHERE name = 'tall'")
# mallory watches for her own job from inside the server, every 2 ms (a psql
# per sample from the shell can miss a short job on a busy machine)
m -c "DO \$\$
      BEGIN
        FOR i IN 1..100000 LOOP
          IF EXISTS (SELECT FROM imgtrans.worker_status() WHERE job = $mine) THEN
            RAISE NOTICE 'seen running'; RETURN;
          END IF;
          IF (SELECT status FROM imgtrans.jobs WHERE id = $mine) NOT IN ('queued', 'running') THEN
            RAISE NOTICE 'ended unseen'; RETURN;
          END IF;
          PERFORM pg_sleep(0.002);
        END LOOP;
      END \$\$" > "$CLUSTER_DIR/mine.out" 2>&1 &
watcher=$!
saw_other=0 saw_running=0
# sampled until postgres's jobs have been seen running ten times or all ended
for _ in $(seq 1 600); do
  [ "$saw_running" -ge 10 ] && break
  [ "$(q -c "SELECT count(*) FROM imgtrans.jobs WHERE id IN ($ids, $mine) AND status IN ('queued', 'running')")" = 0 ] && break
  [ "$(q -c "SELECT count(*) FROM imgtrans.worker_status() WHERE job IN ($ids, $mine)")" != 0 ] || { sleep 0.1; continue; }
  [ "$(q -c "SELECT count(*) FROM imgtrans.worker_status() WHERE job IN ($ids)")" != 0 ] && saw_running=$((saw_running + 1))
  n=$(m -c "SELECT count(*) FROM imgtrans.worker_status() WHERE job IN ($ids)")
  [ "$n" != 0 ] && saw_other=$((saw_other + 1))
  [ "$(m -c "SELECT count(*) FROM imgtrans.workers WHERE job IN ($ids)")" != 0 ] && saw_other=$((saw_other + 1))
  sleep 0.1
done
check "postgres's jobs were seen running (by postgres)" [ "$saw_running" -gt 0 ]
is "$saw_other" 0 "mallory never saw postgres's job ids in worker_status() or imgtrans.workers"
is "$(m -c "SELECT count(*) FROM imgtrans.worker_status() WHERE job IS NULL AND phase NOT IN ('running a job', 'waiting for jobs', 'finished job', 'starting')")" \
   0 "nor their phases"
q -c "SELECT imgtrans_wait(id, '120 seconds') FROM imgtrans.jobs" >/dev/null
wait "$watcher"
is "$(grep -o 'seen running\|ended unseen' "$CLUSTER_DIR/mine.out")" "seen running" \
   "mallory's own job was visible to her while it ran" || sed 's/^/#   /' "$CLUSTER_DIR/mine.out"

# --- 4b. the workers' locks are out of reach of SQL roles -----------------
# Until 0.14.0 a worker took advisory locks with fixed keys, and an idle
# session of mallory holding (key, job id) stalled the worker that claimed
# that job, for every role.  Now she can take whatever pg_advisory_lock()
# reaches, in both key forms, of every lock a worker holds: jobs still run.
lj=$(q -c "SELECT imgtrans_submit(img) FROM pics WHERE name = 'tall'")
wait_until 60 "SELECT EXISTS (SELECT FROM pg_locks l JOIN imgtrans.jobs j ON j.worker_pid = l.pid
                              WHERE j.id = $lj AND l.locktype = 'advisory')"
ok_rc $? "a worker running a job holds its lock"
read -r cls obj sub < <(q -F ' ' -c "SELECT l.classid, l.objid, l.objsubid FROM pg_locks l JOIN imgtrans.jobs j ON j.worker_pid = l.pid
                                     WHERE j.id = $lj AND l.locktype = 'advisory' LIMIT 1")
check "in a lock space the advisory-lock functions never use (objsubid $sub, not 1 or 2)" [ "${sub:-1}" -gt 2 ]
q -c "SELECT imgtrans_wait($lj, '60 seconds')" >/dev/null
next=$(q -c "SELECT last_value + 1 FROM imgtrans.jobs_id_seq")
m -c "SELECT count(pg_advisory_lock($cls::int, g::int)) + count(pg_advisory_lock(($cls::bigint << 32) | g))
      FROM generate_series($next, $next + 20) g" \
  -c "SELECT count(pg_advisory_lock(k::int, g::int)) FROM generate_series($next, $next + 20) g,
             unnest('{1768778338,1768779879}'::bigint[]) k" \
  -c "SELECT pg_sleep(60)" >/dev/null 2>&1 &
holder=$!
wait_until 30 "SELECT count(*) >= 84 FROM pg_locks WHERE locktype = 'advisory' AND granted
               AND pid IN (SELECT pid FROM pg_stat_activity WHERE usename = 'mallory')"
ok_rc $? "mallory holds those keys (and the pre-0.14.0 ones) for the next 21 job ids in an idle session"
t0=$(q -c "SELECT clock_timestamp()")
pj=$(q -c "SELECT imgtrans_submit(img) FROM pics WHERE name = 'pages'")
is "$(q -c "SELECT imgtrans_wait($pj, '60 seconds')")" done "postgres's 3-page document job (id $pj) still runs, on both workers"
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
q -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'mallory'" >/dev/null

# --- 5. job times: the real start and end ------------------------------------
is "$(q -c "SELECT bool_and(finished_at - started_at >= interval '100 ms' AND started_at >= created_at)
             FROM imgtrans.jobs WHERE id IN ($ids)")" t \
   "finished_at - started_at spans the OCR of the tall page (was ~0: both were transaction starts)"
is "$(q -c "SELECT imgtrans_wait($mine, '1000000 years')")" done "imgtrans_wait with a timeout past the end of time"
is "$(q -c "SELECT imgtrans_wait($mine, '-1 day')")" done "and with a negative one"

# --- 6. results tables (0.9.0): a composite key with the evil domain, and a
#        trigger on the results table; both run as mallory in the worker ---
m -c "CREATE TABLE mal.cdocs (org mal.key, name text, img bytea, PRIMARY KEY (org, name))" \
  -c "SELECT imgtrans_setup_results('mal.cdocs', 'img')" \
  -c "CREATE FUNCTION mal.on_result() RETURNS trigger LANGUAGE plpgsql AS \$\$
      BEGIN PERFORM mal.evil(0); RETURN NEW; END \$\$" \
  -c "CREATE TRIGGER evil BEFORE INSERT ON mal.cdocs_imgtrans_text FOR EACH ROW EXECUTE FUNCTION mal.on_result()" \
  -c "TRUNCATE mal.seen" \
  -c "INSERT INTO mal.cdocs SELECT 2, 'a, \"b\"', img FROM pics WHERE name = 'hello'" || bail "mallory's results setup failed"
is "$(m -c "SELECT imgtrans_wait(id, '60 seconds') FROM imgtrans.jobs WHERE source_table = 'mal.cdocs'::regclass")" \
   done "the composite domain-key job is done"
is "$(q -c "SELECT rolsuper FROM pg_roles WHERE rolname = 'mallory'")" f "mallory is still not superuser"
seen_in_worker "in the worker the domain CHECK and the results table's trigger ran as mallory, ALTER ROLE refused"
is "$(q -c "SELECT count(*) > 2 FROM mal.seen WHERE pid IN (SELECT pid FROM imgtrans.worker_status())")" t \
   "both ran there (key input for the read, for the results, and the trigger)"
is "$(q -c "SELECT count(*) FROM mal.seen WHERE what = 'escalated'")" 0 "nothing escalated anywhere"
is "$(m -c "SELECT c.name || ': ' || t.text FROM mal.cdocs c JOIN mal.cdocs_imgtrans_text t USING (org, name)")" \
   'a, "b": Hello imgtrans world' "the results joined to mallory's row"
is "$(q -c "SELECT relowner::regrole FROM pg_class WHERE oid = 'mal.cdocs_imgtrans_boxes'::regclass")" mallory \
   "the results tables are mallory's"
err=$(m -c "SELECT imgtrans_setup_results('pics', 'img')" 2>&1)
echo "$err" | grep -q 'must be owner of table public.pics'
ok_rc $? "mallory cannot set up results for a table she does not own"
err=$(m -c "INSERT INTO imgtrans.result_tables (source_table, image_column, lang, boxes_table, text_table)
            VALUES ('pics', 'img', 'eng', 'mal.cdocs_imgtrans_boxes', 'mal.cdocs_imgtrans_text')" 2>&1)
echo "$err" | grep -q 'row-level security'
ok_rc $? "nor register her results tables for it directly"

# --- 7. documents from an ordinary role: bombs, encryption, temp files ----
q -c "INSERT INTO pics VALUES ('bomb.pdf', pg_read_binary_file('$(fixture bomb-page.pdf)')),
                              ('encrypted.pdf', pg_read_binary_file('$(fixture encrypted.pdf)')),
                              ('scan.pdf', pg_read_binary_file('$(fixture scan.pdf)')),
                              ('born.pdf', pg_read_binary_file('$(fixture born.pdf)'))" || bail "document fixtures"
for call in "imgtrans_doc_info(img)" "imgtrans_page_image(img, 1)" "imgtrans_ocr_text(img)" "imgtrans_ocr_pdf(img)"; do
  err=$(m -c "SELECT count(*) FROM pics, $call WHERE name = 'bomb.pdf'" 2>&1)
  if [ "$call" = "imgtrans_doc_info(img)" ]; then
    echo "$err" | grep -qx 1
    ok_rc $? "$call describes the 200x200-inch page without rendering it" || echo "$err" | sed 's/^/#   /'
  else
    echo "$err" | grep -q "more than imgtrans allows"
    ok_rc $? "$call refuses the 200x200-inch page before allocating" || echo "$err" | sed 's/^/#   /'
  fi
done
# a US-letter page at 2400 dpi is 538 megapixels
err=$(m -c "SET imgtrans.pdf_dpi = 2400" -c "SELECT length(imgtrans_page_image(img, 1)) FROM pics WHERE name = 'born.pdf'" 2>&1)
echo "$err" | grep -q "more than imgtrans allows"
ok_rc $? "a high imgtrans.pdf_dpi is still bounded by imgtrans.max_image_pixels" || echo "$err" | sed 's/^/#   /'
err=$(m -c "SELECT imgtrans_ocr_text(img) FROM pics WHERE name = 'encrypted.pdf'" 2>&1)
echo "$err" | grep -q "ERROR"
ok_rc $? "an encrypted PDF is a clear ERROR" || echo "$err" | sed 's/^/#   /'
is "$(m -c "SELECT length(imgtrans_ocr_pdf(img)) > 0 FROM pics WHERE name = 'scan.pdf'")" t \
   "mallory can make a searchable PDF"
is "$(q -c "SELECT count(*) FROM pg_ls_dir('base/pgsql_tmp', true, false)")" 0 \
   "and no temp file of it is left in the data directory"

# content whose decoding time does not follow from its size: a PDF page of a
# billion strokes (poppler runs in a reader the backend kills) and a JPEG of
# 150 scans (refused before libjpeg sees it); mallory's statement_timeout ends
# the first, the second is a clear ERROR
q -c "INSERT INTO pics VALUES ('work-bomb.pdf', pg_read_binary_file('$(fixture work-bomb.pdf)')),
                              ('scans.jpg', pg_read_binary_file('$(fixture scans.jpg)'))" || bail "bomb fixtures"
err=$(m -c "SET statement_timeout = '500ms'" \
        -c "SELECT length(imgtrans_page_image(img, 1)) FROM pics WHERE name = 'work-bomb.pdf'" 2>&1)
echo "$err" | grep -q "canceling statement due to statement timeout"
ok_rc $? "mallory's billion-stroke PDF page stops at her statement_timeout" || echo "$err" | sed 's/^/#   /'
err=$(m -c "SELECT imgtrans_ocr_text(img) FROM pics WHERE name = 'scans.jpg'" 2>&1)
echo "$err" | grep -q "JPEG image has more than 100 scans"
ok_rc $? "her JPEG of 150 scans is refused before decoding" || echo "$err" | sed 's/^/#   /'

# a page of dust (400,000 specks on 9 megapixels) read as one line keeps
# tesseract's page layout busy for many minutes, polling no cancel flag:
# tesseract runs in the backend's OCR process, which an interrupt kills
q -c "INSERT INTO pics VALUES ('dust.png', pg_read_binary_file('$(dust_image)'))" || bail "dust image"
t0=$(date +%s)
err=$(timeout 120 psql -X -q -tA -U mallory -c "SET statement_timeout = '2s'" \
        -c "SELECT imgtrans_ocr_text(img, psm => 7) FROM pics WHERE name = 'dust.png'" 2>&1)
took=$(( $(date +%s) - t0 ))
echo "$err" | grep -q "canceling statement due to statement timeout" && [ "$took" -lt 20 ]
ok_rc $? "mallory's page of dust stops at her statement_timeout (${took} s)" || echo "$err" | sed 's/^/#   /'
q -c "ALTER SYSTEM SET imgtrans.job_page_timeout = '3s'" -c "SELECT pg_reload_conf()" >/dev/null
sleep 1
djob=$(m -c "SELECT imgtrans_submit(img, options => '{\"psm\": 7, \"max_attempts\": 1}') FROM pics WHERE name = 'dust.png'")
wait_until 90 "SELECT status = 'failed' FROM imgtrans.jobs WHERE id = $djob"
ok_rc $? "queued, it fails at imgtrans.job_page_timeout (3 s)"
is "$(q -c "SELECT error FROM imgtrans.jobs WHERE id = $djob")" "canceling statement due to statement timeout" \
   "its error says why"
q -c "ALTER SYSTEM RESET imgtrans.job_page_timeout" -c "SELECT pg_reload_conf()" >/dev/null
hjob=$(m -c "SELECT imgtrans_submit(img) FROM pics WHERE name = 'hello'")
wait_until 60 "SELECT status = 'done' FROM imgtrans.jobs WHERE id = $hjob"
ok_rc $? "and the workers go on with her next job"

# images are decoded in her backend's image decoder (0.17.0): a TIFF page
# that decodes wider than its directory says is refused, and the decoder
# imgtrans_engine_info() shows her is her own session's child, no backend
q -c "INSERT INTO pics VALUES ('lying.tif', pg_read_binary_file('$(fixture lying.tif)'))" || bail "lying.tif"
err=$(m -c "SELECT imgtrans_page_image(img, 1) FROM pics WHERE name = 'lying.tif'" 2>&1)
echo "$err" | grep -q "decodes to another size than its directory declares"
ok_rc $? "her lying TIFF page is refused" || echo "$err" | sed 's/^/#   /'
is "$(m -c "SELECT count(*) FROM pics, imgtrans_ocr_text(img) WHERE name = 'hello'" \
        -c "SELECT d.decoder_pid > 0 AND d.decoder_pid <> pg_backend_pid()
                   AND NOT EXISTS (SELECT FROM pg_stat_activity a WHERE a.pid = d.decoder_pid)
            FROM imgtrans_engine_info() d" 2>&1 | tr '\n' ' ')" "1 t " \
   "imgtrans_engine_info() shows her her own session's decoder, not a backend"

# 0.18.0 as mallory: job options with preprocessing steps, auto's script
# trial.  Steps are names from a fixed list (no path, no file: a "step"
# that looks like one is refused at submit), her job runs as her with them,
# and auto may read her page with another installed model, never one that
# imgtrans.auto_languages leaves out
q -c "INSERT INTO pics VALUES ('doc-rot180.png', pg_read_binary_file('$(fixture doc-rot180.png)')),
                             ('doc.png', pg_read_binary_file('$(fixture doc.png)')),
                             ('ru.png', pg_read_binary_file('$(fixture ru.png)'))" || bail "0.18.0 fixtures"
err=$(m -c "\set VERBOSITY verbose" -c "SELECT imgtrans_submit(img, 'eng', NULL, '{\"preprocess\": [\"../../etc/passwd\"]}') FROM pics WHERE name = 'hello'" 2>&1)
echo "$err" | grep -q 'ERROR:  22023: invalid job option "preprocess"'
ok_rc $? "her job option preprocess ['../../etc/passwd']: ERROR 22023 at submit" || echo "$err" | sed 's/^/#   /'
err=$(m -c "\set VERBOSITY verbose" -c "SELECT imgtrans_check_job_options('{\"preprocess\": [\"auto\", 1]}')" 2>&1)
echo "$err" | grep -q 'ERROR:  22023: invalid job option "preprocess"'
ok_rc $? "imgtrans_check_job_options: the same ERROR for her" || echo "$err" | sed 's/^/#   /'
mjob=$(m -c "SELECT imgtrans_submit(img, 'eng', NULL, '{\"preprocess\": [\"auto\"]}') FROM pics WHERE name = 'doc-rot180.png'")
is "$(m -c "SELECT imgtrans_wait($mjob, '2 minutes')")" done "her job with preprocess [auto] is done"
is "$(m -c "SELECT (SELECT string_agg(text, ' ' ORDER BY box_no) FROM imgtrans.job_boxes WHERE job_id = $mjob) =
                   (SELECT string_agg(b.text, ' ') FROM pics, imgtrans_ocr(img) b WHERE name = 'doc.png')")" t \
   "... run as her: its boxes, hers to read, are the upright page's words"
is "$(m -c "SELECT imgtrans_ocr_text(img, 'eng', preprocess => '{auto}') = imgtrans_ocr_text(img, 'rus') FROM pics WHERE name = 'ru.png'" \
        -c "SET imgtrans.auto_languages = 'eng'" \
        -c "SELECT imgtrans_ocr_text(img, 'eng', preprocess => '{auto}') = imgtrans_ocr_text(img, 'eng') FROM pics WHERE name = 'ru.png'" | tr '\n' ' ')" \
   "t t " "auto reads her Russian page passed as eng with rus, and not when her auto_languages leaves rus out"

# a crash restart keeps pg_postmaster_start_time(): the log tells
crashes=$(grep -cE "terminated by signal|reinitializing" "$CLUSTER_DIR/server.log")
is "$(q -c "SELECT pg_postmaster_start_time()")|$crashes" "$start_time|0" \
   "the cluster never restarted (no process crashed: the log has no 'terminated by signal')"
finish
