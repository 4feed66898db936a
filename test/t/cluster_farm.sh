#!/usr/bin/env bash
# An OCR farm on PL/Proxy (issue 12, part 1): a main database whose 3
# background workers send their OCR to 2 farm nodes (local clusters) and
# store the rows themselves.  A batch of trigger jobs runs while one node is
# stopped with pg_ctl -m immediate and started again: every job ends done
# exactly once, its boxes equal to local OCR of the same image, the attempts
# that met the dead node failed with an error naming it and were retried on
# the other node; a 3-page PDF job's pages are spread over the nodes; a job's
# options (preprocess [auto]) reach the node.
set -uo pipefail
source "$(dirname "$0")/../workers-lib.sh"
source "$(dirname "$0")/../nodes-lib.sh"
trap 'nodes_stop' EXIT

for n in n1 n2; do
  node_start "$n" "shared_preload_libraries = 'imgtrans'
imgtrans.workers = 0
log_statement = 'all'" || bail "node $n did not start"
done
node_start main "shared_preload_libraries = 'imgtrans'
imgtrans.workers = 3
imgtrans.job_retry_delay = 100" || bail "main did not start"
node_use main
farm_setup main n1 n2 || bail "farm setup failed"
q -c "CREATE EXTENSION IF NOT EXISTS imgtrans" >/dev/null
ok "main + 2 farm nodes, PL/Proxy cluster imgtrans_farm"

# direct calls: any node, or the one a route picks
hello="pg_read_binary_file('$(fixture hello.png)')"
is "$(q -c "SELECT imgtrans_farm_ocr_text($hello)")" "$(q -c "SELECT imgtrans_ocr_text($hello)")" \
   "imgtrans_farm_ocr_text = imgtrans_ocr_text"
is "$(q -c "SELECT string_agg(text, ' ') FROM imgtrans_farm_ocr($hello, route => 0)") $(q -c "SELECT string_agg(text, ' ') FROM imgtrans_farm_ocr($hello, route => 1)")" \
   "Hello imgtrans world Hello imgtrans world" "imgtrans_farm_ocr on either node (route 0, 1)"
# OCR calls a node received: the statements PL/Proxy sent it, from its log
# (written as it runs them, unlike the function statistics, which an idle
# backend reports up to 10 s later)
calls() { local d="${1}_DIR"; grep -c "^.*\(statement\|execute [^:]*\): SELECT .*imgtrans_ocr" "${!d}/server.log"; }
[ "$(calls n1)" -ge 1 ] && [ "$(calls n2)" -ge 1 ]
ok_rc $? "both nodes ran imgtrans_ocr (n1: $(calls n1), n2: $(calls n2))"
sqlstate() { q -v VERBOSITY=verbose -c "$1" 2>&1 >/dev/null | grep -o "ERROR:  [0-9A-Z]\{5\}" | head -1; }
local_state=$(sqlstate "SELECT imgtrans_ocr('\x00'::bytea)")
[ -n "$local_state" ] && [ "$(sqlstate "SELECT imgtrans_farm_ocr('\x00'::bytea)")" = "$local_state" ]
ok_rc $? "a node's ERROR comes back to the caller with its SQLSTATE ($local_state): $(q -c "SELECT imgtrans_farm_ocr('\x00'::bytea)" 2>&1 | head -1)"

# no farm configured, or a farm that is not a PL/Proxy cluster: clear ERRORs
err=$(q -v VERBOSITY=verbose -c "SET imgtrans.farm = ''" -c "SELECT imgtrans_farm_ocr_text($hello)" 2>&1)
[[ "$err" == *"55000"*"no OCR farm is configured"* ]] && [[ "$err" == *"HINT:"*"imgtrans.farm"* ]]
ok_rc $? "imgtrans.farm empty: 55000 'no OCR farm is configured' with a hint"
err=$(q -c "SET imgtrans.farm = 'no_such_cluster'" -c "SELECT imgtrans_farm_ocr_text($hello)" 2>&1)
[[ "$err" == *"ERROR:"*"no_such_cluster"* ]]
ok_rc $? "imgtrans.farm naming no cluster: an ERROR naming it: $(echo "$err" | grep ERROR | head -1)"

# an ordinary role reaches the farm only with USAGE on its server
q -c "CREATE ROLE eve LOGIN" -c "CREATE TABLE pics AS SELECT $hello AS img" -c "GRANT SELECT ON pics TO eve" >/dev/null
err=$(q -U eve -v VERBOSITY=verbose -c "SELECT imgtrans_farm_ocr_text(img) FROM pics" 2>&1)
[[ "$err" == *"42501"* ]] && [[ "$err" == *"imgtrans_farm"* ]]
ok_rc $? "a role without USAGE on the farm's server is refused (42501): $(echo "$err" | head -1)"
q -c "GRANT USAGE ON FOREIGN SERVER imgtrans_farm TO eve" >/dev/null
is "$(q -U eve -c "SELECT imgtrans_farm_ocr_text(img) FROM pics")" "$(q -c "SELECT imgtrans_ocr_text($hello)")" \
   "with USAGE granted, it can"

# the reference: local OCR of each fixture on main
tall=$(tall_image)
q -c "CREATE TABLE ref (name text PRIMARY KEY, img bytea)" \
  -c "INSERT INTO ref VALUES ('doc', pg_read_binary_file('$(fixture doc.png)')),
        ('hello', pg_read_binary_file('$(fixture hello.png)')),
        ('cheque', pg_read_binary_file('$(fixture cheque.png)')), ('tall', pg_read_binary_file('$tall'))" \
  -c "CREATE TABLE ref_text AS SELECT name, (SELECT string_agg(text, ' ' ORDER BY n) FROM imgtrans_ocr(img) WITH ORDINALITY AS b(level, block_num, par_num, line_num, word_num, x, y, width, height, conf, text, bbox, page_num, n)) AS text FROM ref" \
  >/dev/null || bail "reference OCR failed"

# a batch of 24 trigger jobs; node n1 dies after the first results, and
# comes back a little later
q -c "CREATE TABLE scans (id int PRIMARY KEY, name text, img bytea)" \
  -c "SELECT imgtrans_setup_results('scans', 'img')" \
  -c "INSERT INTO scans SELECT i, name, img FROM generate_series(1, 24) i JOIN ref ON name = (ARRAY['tall', 'doc', 'cheque', 'hello'])[1 + i % 4]" \
  >/dev/null || bail "could not queue the batch"
wait_until 120 "SELECT count(*) >= 3 FROM imgtrans.jobs WHERE status = 'done'"
ok_rc $? "the batch is under way"
node_stop n1 immediate
ok_rc $? "node n1 stopped with pg_ctl -m immediate mid-batch ($(q -c "SELECT count(*) FROM imgtrans.jobs WHERE status = 'done'") of 24 done)"
sleep 2
node_start_again n1
ok_rc $? "node n1 started again"
wait_until 240 "SELECT count(*) = 24 FROM imgtrans.jobs WHERE status IN ('done', 'failed', 'cancelled') AND source_table = 'scans'::regclass"
ok_rc $? "every job ended"
is "$(q -c "SELECT status || ' ' || count(*) FROM imgtrans.jobs WHERE source_table = 'scans'::regclass GROUP BY status")" \
   "done 24" "all 24 jobs done"
is "$(q -c "SELECT count(*) FROM scans s JOIN ref_text r USING (name) WHERE (SELECT string_agg(text, ' ' ORDER BY box_no) FROM scans_imgtrans_boxes b WHERE b.id = s.id AND level = 'word') IS NOT DISTINCT FROM r.text")" \
   24 "each image's boxes equal local OCR of it (exactly once: no box twice, none lost)"
is "$(q -c "SELECT count(*) FROM (SELECT id, box_no FROM scans_imgtrans_boxes GROUP BY 1, 2 HAVING count(*) > 1) d")" \
   0 "no box stored twice"
retried=$(q -c "SELECT count(*) FROM imgtrans.jobs WHERE source_table = 'scans'::regclass AND attempts > 1")
[ "$retried" -ge 1 ]
ok_rc $? "$retried job(s) needed a second attempt"
grep -q "failed: PL/Proxy function .*imgtrans_farm_ocr.*port $n1_PORT" "$CLUSTER_DIR/server.log"
ok_rc $? "the failed attempts name the node (port $n1_PORT): $(grep -o "failed: PL/Proxy function .*port $n1_PORT[^\"]*" "$CLUSTER_DIR/server.log" | head -1 | cut -c1-150)"
is "$(q -c "SELECT count(*) FROM imgtrans.jobs WHERE source_table = 'scans'::regclass AND attempts > 2")" 0 \
   "no job needed a third attempt (a retry goes to the other node)"
[ "$(calls n2)" -ge 12 ]
ok_rc $? "the nodes did the OCR (n1: $(calls n1) calls, n2: $(calls n2))"

# a document: its pages go to both nodes
pdf="$CLUSTER_DIR/three.pdf"
img2pdf "$tall" "$tall" "$(fixture doc.png)" -o "$pdf" && { [ "$(id -u)" = 0 ] && chown postgres: "$pdf"; true; } \
  || bail "img2pdf failed"
n1_before=$(calls n1); n2_before=$(calls n2)
pjob=$(q -c "SELECT imgtrans_submit(pg_read_binary_file('$pdf'))")
wait_until 120 "SELECT status = 'done' FROM imgtrans.jobs WHERE id = $pjob"
ok_rc $? "a 3-page PDF job through the farm is done"
is "$(q -c "SELECT string_agg(DISTINCT page_num::text, ' ') FROM imgtrans.job_boxes WHERE job_id = $pjob")" "1 2 3" \
   "its boxes are on pages 1, 2, 3"
[ $(( $(calls n1) - n1_before )) -ge 1 ] && [ $(( $(calls n2) - n2_before )) -ge 1 ]
ok_rc $? "both nodes read pages of it"

# job options reach the node: preprocess => '{auto}' turns a page stored
# upside down there, so it reads as the upright page reads on main
ajob=$(q -c "SELECT imgtrans_submit(pg_read_binary_file('$(fixture doc-rot180.png)'), 'eng', NULL, '{\"preprocess\": [\"auto\"]}')")
wait_until 120 "SELECT status = 'done' FROM imgtrans.jobs WHERE id = $ajob"
ok_rc $? "a job with the option preprocess [auto] through the farm is done"
is "$(q -c "SELECT (SELECT string_agg(text, ' ' ORDER BY box_no) FROM imgtrans.job_boxes WHERE job_id = $ajob) = r.text FROM ref_text r WHERE name = 'doc'")" \
   t "its words are doc.png's, upright"
finish
