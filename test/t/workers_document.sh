#!/usr/bin/env bash
# A PDF and a multi-page TIFF as background jobs (issue 14): one job per
# document whose boxes and results tables carry the page numbers, progress
# (pages done / total) in imgtrans.jobs, imgtrans.workers and
# pg_stat_activity while it runs, cancel while it runs, and kill -9 of a worker in the middle of a
# 5-page PDF: the job is re-run from the first page not committed and ends
# with every page exactly once, the same as its twin that was not killed.
set -uo pipefail
source "$(dirname "$0")/../workers-lib.sh"

workers_cluster
create_extension

# 5 pages from committed fixtures: the tall image (doc.png stacked 4 times,
# a second or more of OCR) four times, then hello.png
pdf="$CLUSTER_DIR/five.pdf"
tall=$(tall_image)
img2pdf "$tall" "$tall" "$tall" "$tall" "$IMGTRANS_ROOT/test/fixtures/hello.png" -o "$pdf" \
  || bail "img2pdf failed"
[ "$(id -u)" = 0 ] && chown postgres: "$pdf"
is "$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')" 5 "the test PDF has 5 pages"

q -c "CREATE TABLE docs (name text PRIMARY KEY, doc bytea)" \
  -c "SELECT imgtrans_setup_results('docs', 'doc')" >/dev/null || bail "setup_results failed"
q -c "INSERT INTO docs VALUES ('victim', pg_read_binary_file('$pdf')), ('twin', pg_read_binary_file('$pdf'))" \
  || bail "could not insert the PDFs"
is "$(q -c "SELECT count(*) FROM imgtrans.jobs WHERE source_table = 'docs'::regclass")" 2 "one job per document"
victim_job=$(q -c "SELECT min(id) FROM imgtrans.jobs WHERE source_table = 'docs'::regclass")
victim=$(q -c "SELECT CASE WHEN source_key LIKE '%victim%' THEN 'victim' ELSE 'twin' END FROM imgtrans.jobs WHERE id = $victim_job")
twin=$([ "$victim" = victim ] && echo twin || echo victim)

# progress while it runs, at a page after the first
wait_until 120 "SELECT EXISTS (SELECT FROM imgtrans.jobs WHERE id = $victim_job AND status = 'running' AND pages_done >= 2)"
ok_rc $? "job $victim_job committed 2 pages while it runs"
# one look (on a busy machine every psql call is time in which the last
# pages may end), the kill right after it, then the checks on what was seen:
# the job's own worker (an idle one may be reading one of its pages too)
IFS='|' read -r total done_ victim_pid phase activity < <(q -c "
  SELECT j.pages_total, j.pages_done, w.pid, w.phase,
         (SELECT a.query FROM pg_stat_activity a WHERE a.pid = j.worker_pid
            AND a.query LIKE 'imgtrans job $victim_job: ocr page %/5')
  FROM imgtrans.jobs j JOIN imgtrans.workers w ON w.pid = j.worker_pid WHERE j.id = $victim_job")
k=$done_
[ -n "$victim_pid" ] && [ "${k:-0}" -ge 2 ] && [ "$k" -lt 5 ] && kill -KILL "$victim_pid"
killed=$?
is "$total" 5 "imgtrans.jobs: pages_total = 5"
[ "${done_:-0}" -ge 2 ] && [ "$done_" -lt 5 ]
ok_rc $? "imgtrans.jobs: pages_done ($done_) between 2 and 4 while it runs"
[[ "$phase" =~ ^ocr\ page\ [3-5]/5$ ]]
ok_rc $? "imgtrans.workers shows the page: '$phase'"
[ -n "$activity" ]
ok_rc $? "pg_stat_activity shows the page: '$activity'"
[ "$killed" = 0 ]
ok_rc $? "kill -9 worker $victim_pid after $k of 5 pages"

wait_until 180 "SELECT count(*) = 2 FROM imgtrans.jobs WHERE source_table = 'docs'::regclass AND status = 'done'"
ok_rc $? "both document jobs done after the crash restart"
grep -q "job $victim_job lost its worker; now queued" "$CLUSTER_DIR/server.log"
ok_rc $? "the interrupted job was queued again"
is "$(q -c "SELECT attempts || ' ' || pages_done || '/' || pages_total FROM imgtrans.jobs WHERE id = $victim_job")" \
   "2 5/5" "the interrupted job took 2 attempts and has 5/5 pages"

boxes="SELECT page, count(*), count(DISTINCT box_no), min(box_no), max(box_no) FROM docs_imgtrans_boxes WHERE name = '%s' GROUP BY page ORDER BY page"
got_victim=$(q -c "$(printf "$boxes" "$victim")")
got_twin=$(q -c "$(printf "$boxes" "$twin")")
is "$(echo "$got_victim" | cut -d'|' -f1 | tr '\n' ' ')" "1 2 3 4 5 " "the victim's boxes are on pages 1 to 5"
is "$got_victim" "$got_twin" "the victim's boxes per page are its twin's (no page twice, none lost)"
is "$(q -c "SELECT count(*) = count(DISTINCT box_no) FROM docs_imgtrans_boxes WHERE name = '$victim'")" t \
   "no box number twice"
is "$(q -c "SELECT string_agg(page::text, ' ' ORDER BY page) FROM docs_imgtrans_text WHERE name = '$victim'")" \
   "1 2 3 4 5" "one text row per page"
is "$(q -c "SELECT count(DISTINCT text) FROM docs_imgtrans_text WHERE page <= 4")" 1 \
   "the 4 copies of doc.png read the same in both documents"
q -c "SELECT text FROM docs_imgtrans_text WHERE name = '$victim' AND page = 5" | grep -qi hello
ok_rc $? "page 5 is hello.png"
is "$(q -c "SELECT count(*) FROM imgtrans.job_boxes")" 0 "no staging rows left"

# a multi-page TIFF through imgtrans_submit: boxes in job_boxes with their pages
tif_job=$(q -c "SELECT imgtrans_submit(pg_read_binary_file('$(fixture pages.tif)'))")
wait_until 120 "SELECT status = 'done' FROM imgtrans.jobs WHERE id = $tif_job"
ok_rc $? "the TIFF job is done"
is "$(q -c "SELECT pages_done || '/' || pages_total FROM imgtrans.jobs WHERE id = $tif_job")" 3/3 "TIFF: 3/3 pages"
is "$(q -c "SELECT string_agg(DISTINCT page_num::text, ' ') FROM imgtrans.job_boxes WHERE job_id = $tif_job")" \
   "1 2 3" "TIFF: job_boxes on pages 1, 2, 3"
is "$(q -c "SELECT bool_and(page_num >= lag) FROM (SELECT page_num, lag(page_num, 1, 1) OVER (ORDER BY box_no) FROM imgtrans.job_boxes WHERE job_id = $tif_job) s")" \
   t "TIFF: box_no follows the pages"

# pages in parallel: a document alone in the queue is read by both workers
# at once, each page once, its boxes numbered in page order when it ends
pjob=$(q -c "SELECT imgtrans_submit(pg_read_binary_file('$pdf'))")
wait_until 180 "SELECT status = 'done' FROM imgtrans.jobs WHERE id = $pjob"
ok_rc $? "a document alone in the queue is done"
is "$(q -c "SELECT count(*) || ' ' || count(*) FILTER (WHERE done AND error IS NULL) || ' ' || count(DISTINCT worker_pid) FROM imgtrans.job_pages WHERE job_id = $pjob")" \
   "5 5 2" "its 5 pages were read by 2 workers, each page done once"
is "$(q -c "SELECT min(box_no) = 1 AND max(box_no) = count(*) AND bool_and(page_num >= prev) FROM (SELECT box_no, page_num, lag(page_num, 1, 1) OVER (ORDER BY box_no) AS prev FROM imgtrans.job_boxes WHERE job_id = $pjob) s")" \
   t "its box_no run from 1 without gaps, in page order"
is "$(q -c "SELECT string_agg(n::text, ' ' ORDER BY page_num) FROM (SELECT page_num, count(*) AS n FROM imgtrans.job_boxes WHERE job_id = $pjob GROUP BY page_num) s")" \
   "$(q -c "SELECT string_agg(n::text, ' ' ORDER BY page) FROM (SELECT page, count(*) AS n FROM docs_imgtrans_boxes WHERE name = '$twin' GROUP BY page) s")" \
   "its boxes per page are those of the same PDF read by one worker"

is "$(q -c "SELECT count(glyphs) FROM imgtrans.job_pages WHERE job_id = $pjob")" 0 \
   "a PDF's pages are not estimated (rasterising one costs what the order saves): read in page order"

# A TIFF's pages, dearest first: the job's worker counts the glyphs of the
# pages nobody has taken and every worker reads the page with most first.
# The other worker is held (a trigger on the results table of another
# job waits for this job to end), so one worker reads all four pages and
# their order shows.
tif="$CLUSTER_DIR/four.tif"
/usr/bin/convert "$(fixture hello.png)" "$(fixture doc.png)" "$tall" "$(fixture hello.png)" "$tif" \
  || bail "convert failed"
[ "$(id -u)" = 0 ] && chown postgres: "$tif"
q -c "CREATE TABLE held (id int PRIMARY KEY, img bytea)" \
  -c "SELECT imgtrans_setup_results('held', 'img')" \
  -c "CREATE FUNCTION hold() RETURNS trigger LANGUAGE plpgsql AS \$\$
      BEGIN
        FOR i IN 1..1200 LOOP
          EXIT WHEN EXISTS (SELECT FROM imgtrans.jobs WHERE status IN ('done', 'failed')
                              AND image = pg_read_binary_file('$tif'));
          PERFORM pg_sleep(0.05);
        END LOOP;
        RETURN NULL;
      END \$\$" \
  -c "CREATE TRIGGER hold AFTER INSERT ON held_imgtrans_boxes FOR EACH STATEMENT EXECUTE FUNCTION hold()" \
  -c "INSERT INTO held VALUES (1, pg_read_binary_file('$(fixture hello.png)'))" >/dev/null \
  || bail "could not set up the held job"
wait_until 60 "SELECT EXISTS (SELECT FROM imgtrans.workers w JOIN imgtrans.jobs j ON j.id = w.job
                              WHERE j.source_table = 'held'::regclass AND w.phase = 'saving')"
ok_rc $? "one worker is held in a results trigger"
tjob=$(q -c "SELECT imgtrans_submit(pg_read_binary_file('$tif'))")
wait_until 120 "SELECT status = 'done' FROM imgtrans.jobs WHERE id = $tjob"
ok_rc $? "the 4-page TIFF job is done"
is "$(q -c "SELECT string_agg(page_num::text, ' ' ORDER BY glyphs DESC) FROM imgtrans.job_pages WHERE job_id = $tjob AND page_num IN (2, 3, 1)")" \
   "3 2 1" "the glyph counts rank the pages by their text: tall page > doc.png > hello.png"
is "$(q -c "SELECT count(glyphs) || ' ' || count(DISTINCT worker_pid) FROM imgtrans.job_pages WHERE job_id = $tjob")" \
   "4 1" "every page was estimated, and one worker read them all"
is "$(q -c "SELECT string_agg(page_num::text, ' ' ORDER BY done_at) FROM imgtrans.job_pages WHERE job_id = $tjob")" \
   "$(q -c "SELECT string_agg(page_num::text, ' ' ORDER BY glyphs DESC, page_num) FROM imgtrans.job_pages WHERE job_id = $tjob")" \
   "the pages were read most glyphs first"
is "$(q -c "SELECT min(box_no) = 1 AND max(box_no) = count(*) AND bool_and(page_num >= prev) FROM (SELECT box_no, page_num, lag(page_num, 1, 1) OVER (ORDER BY box_no) AS prev FROM imgtrans.job_boxes WHERE job_id = $tjob) s")" \
   t "its boxes are still numbered in page order"
is "$(q -c "SELECT string_agg(page_num || ':' || text, ' ' ORDER BY box_no) FROM imgtrans.job_boxes WHERE job_id = $tjob AND page_num IN (1, 4)")" \
   "1:Hello 1:imgtrans 1:world 4:Hello 4:imgtrans 4:world" "and hold the words of their pages"
wait_until 60 "SELECT status = 'done' FROM imgtrans.jobs WHERE source_table = 'held'::regclass"
ok_rc $? "the held job ends once the TIFF is done"

# an image is one page
img_job=$(q -c "SELECT imgtrans_submit(pg_read_binary_file('$(fixture hello.png)'))")
wait_until 60 "SELECT status = 'done' FROM imgtrans.jobs WHERE id = $img_job"
ok_rc $? "an image job is done"
is "$(q -c "SELECT pages_done || '/' || pages_total || ' ' || min(page_num) || ' ' || max(page_num) FROM imgtrans.jobs j JOIN imgtrans.job_boxes b ON b.job_id = j.id WHERE j.id = $img_job GROUP BY pages_done, pages_total")" \
   "1/1 1 1" "an image: 1/1 pages, boxes on page 1"
# cancelled while it runs: the pages it committed are dropped
cjob=$(q -c "SELECT imgtrans_submit(pg_read_binary_file('$pdf'))")
wait_until 120 "SELECT pages_done >= 1 FROM imgtrans.jobs WHERE id = $cjob"
ok_rc $? "job $cjob committed a page"
is "$(q -c "SELECT imgtrans_cancel($cjob)")" t "imgtrans_cancel while it runs"
wait_until 60 "SELECT NOT EXISTS (SELECT FROM imgtrans.workers WHERE job = $cjob)"
ok_rc $? "its worker let go of it"
is "$(q -c "SELECT status || ' ' || pages_done || ' ' || (SELECT count(*) FROM imgtrans.job_boxes WHERE job_id = $cjob) FROM imgtrans.jobs WHERE id = $cjob")" \
   "cancelled 0 0" "cancelled, its committed pages dropped"
grep -q "job $cjob was cancelled while it ran; its results are discarded" "$CLUSTER_DIR/server.log"
ok_rc $? "the worker logged the discarded results"

# A page whose content never ends (work-bomb.pdf, 2.5 KB: a billion strokes,
# hours in poppler) holds no worker: cancel stops it at once, and
# imgtrans.job_page_timeout fails its attempt.  Poppler runs in a reader
# process that the worker kills (src/document/pdf.c).
bomb=$(fixture work-bomb.pdf)
bjob=$(q -c "SELECT imgtrans_submit(pg_read_binary_file('$bomb'), options => '{\"max_attempts\": 1}')")
wait_until 60 "SELECT EXISTS (SELECT FROM imgtrans.workers WHERE job = $bjob AND phase LIKE 'ocr%')"
ok_rc $? "a worker reads the page of job $bjob"
sleep 1
is "$(q -c "SELECT imgtrans_cancel($bjob)")" t "imgtrans_cancel while poppler draws"
wait_until 30 "SELECT status = 'cancelled' AND NOT EXISTS (SELECT FROM imgtrans.workers WHERE job = $bjob) FROM imgtrans.jobs WHERE id = $bjob"
ok_rc $? "the job is cancelled and its worker free within 30 s"
q -c "ALTER SYSTEM SET imgtrans.job_page_timeout = '2s'" -c "SELECT pg_reload_conf()" >/dev/null
sleep 1
bjob=$(q -c "SELECT imgtrans_submit(pg_read_binary_file('$bomb'), options => '{\"max_attempts\": 1}')")
wait_until 60 "SELECT status = 'failed' FROM imgtrans.jobs WHERE id = $bjob"
ok_rc $? "with imgtrans.job_page_timeout = 2s the job fails"
is "$(q -c "SELECT error FROM imgtrans.jobs WHERE id = $bjob")" "canceling statement due to statement timeout" \
   "its error says why"
is "$(q -c "SELECT round(extract(epoch FROM finished_at - started_at)) < 30 FROM imgtrans.jobs WHERE id = $bjob")" t \
   "after about 2 s of work"
q -c "ALTER SYSTEM RESET imgtrans.job_page_timeout" -c "SELECT pg_reload_conf()" >/dev/null
img_job=$(q -c "SELECT imgtrans_submit(pg_read_binary_file('$(fixture hello.png)'))")
wait_until 60 "SELECT status = 'done' FROM imgtrans.jobs WHERE id = $img_job"
ok_rc $? "the workers go on with the next job"
finish
