-- Results keyed by the user's row (imgtrans_setup_results): any primary
-- key, single or composite, of any type; the current image only; deleted
-- rows lose their results; page text and translation one join away; and
-- the upgrade keeps imgtrans.job_boxes readable.
-- waits for every job of a table, returns their statuses
CREATE FUNCTION wait_table(t regclass) RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(DISTINCT imgtrans_wait(id, '2 minutes'), ',') FROM imgtrans.jobs WHERE source_table = t
$$;

-- keys of every kind: int, text, uuid, composite, a domain
CREATE DOMAIN even_int AS int CHECK (VALUE % 2 = 0);
CREATE TABLE k_int (id int PRIMARY KEY, img bytea);
CREATE TABLE k_text (name text PRIMARY KEY, img bytea);
CREATE TABLE k_uuid (id uuid PRIMARY KEY, img bytea);
CREATE TABLE k_comp (org text, day date, n even_int, img bytea, PRIMARY KEY (org, day, n));
SELECT imgtrans_setup_results(t, 'img') FROM unnest('{k_int,k_text,k_uuid,k_comp}'::regclass[]) t;
SELECT source_table, image_column, lang, target, boxes_table, text_table FROM imgtrans.result_tables ORDER BY 1;
\d k_comp_imgtrans_boxes
INSERT INTO k_int VALUES (1, fx('hello.png')), (2, fx('doc.png')), (3, NULL);
INSERT INTO k_text VALUES ('hello', fx('hello.png'));
INSERT INTO k_uuid VALUES ('6f1c1e9e-1c2b-4d6e-9c1a-0123456789ab', fx('hello.jpg'));
INSERT INTO k_comp VALUES ('acme', '2024-05-01', 2, fx('hello.png')), ('acme, "inc"', '2024-05-01', 4, fx('hello.png'));
SELECT wait_table(t) FROM unnest('{k_int,k_text,k_uuid,k_comp}'::regclass[]) t;
SELECT source_table, source_key FROM imgtrans.jobs
WHERE source_table IN ('k_int', 'k_text', 'k_uuid', 'k_comp') ORDER BY id;
-- one plain join from the row to its text
SELECT k.id, t.page, t.lang, t.tsconfig, t.text FROM k_int k LEFT JOIN k_int_imgtrans_text t USING (id) ORDER BY 1;
SELECT k.name, t.text FROM k_text k JOIN k_text_imgtrans_text t USING (name);
SELECT k.id, t.text FROM k_uuid k JOIN k_uuid_imgtrans_text t USING (id);
SELECT k.org, k.day, k.n, t.text FROM k_comp k JOIN k_comp_imgtrans_text t USING (org, day, n) ORDER BY 1;
-- and to its boxes
SELECT k.n, b.page, b.box_no, b.level, b.text, b.bbox FROM k_comp k JOIN k_comp_imgtrans_boxes b USING (org, day, n)
WHERE k.org = 'acme' ORDER BY b.box_no;
-- the staging rows in imgtrans.job_boxes are gone once published
SELECT count(*) AS staged FROM imgtrans.job_boxes b JOIN imgtrans.jobs j ON j.id = b.job_id
WHERE j.source_table IN ('k_int', 'k_text', 'k_uuid', 'k_comp');

-- a re-uploaded image replaces the row's results
UPDATE k_int SET img = fx('hello.png') WHERE id = 2;
SELECT wait_table('k_int');
SELECT id, text, job_id = (SELECT max(id) FROM imgtrans.jobs WHERE source_table = 'k_int'::regclass
                          AND source_key = '2') AS newest_job
FROM k_int_imgtrans_text WHERE id = 2;
SELECT count(*) AS boxes, count(DISTINCT job_id) AS jobs FROM k_int_imgtrans_boxes WHERE id = 2;
-- deleting the row removes its results
DELETE FROM k_int WHERE id = 2;
SELECT count(*) AS text_rows FROM k_int_imgtrans_text WHERE id = 2;
SELECT count(*) AS box_rows FROM k_int_imgtrans_boxes WHERE id = 2;
-- key changes follow (ON UPDATE CASCADE)
UPDATE k_text SET name = 'hi' WHERE name = 'hello';
SELECT name, text FROM k_text_imgtrans_text;


-- full-text search: rank, headline and the boxes of the matching words
CREATE TABLE s_docs (id int PRIMARY KEY, img bytea);
SELECT imgtrans_setup_results('s_docs', 'img');
INSERT INTO s_docs VALUES (1, fx('doc.png')), (2, fx('hello.png'));
SELECT wait_table('s_docs');
SELECT key, page, round(rank::numeric, 4) AS rank, headline, words FROM imgtrans_search('s_docs', 'cats');
SELECT q, key, round(rank::numeric, 4) AS rank, headline, jsonb_path_query_array(words, '$[*].text') AS words
FROM unnest(ARRAY['hello world', '"old town"', 'sleeping dogs', 'house -river', 'imgtrans or garden',
                  'nothing', '']) q, imgtrans_search('s_docs', q)
ORDER BY q, rank DESC, key::text;
SELECT count(*) AS hits FROM imgtrans_search('s_docs', 'house -river');
SELECT count(*) AS limited FROM imgtrans_search('s_docs', 'imgtrans or garden', 1);
-- the words' boxes draw straight onto the image
SELECT s.key, length(imgtrans_render(d.img, s.words, 'boxes')) > 1000 AS drawn
FROM imgtrans_search('s_docs', 'cat walk') s JOIN s_docs d ON d.id = (s.key->>'id')::int;
-- the same search in plain SQL uses the GIN index
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM s_docs_imgtrans_text WHERE tsv @@ websearch_to_tsquery('english', 'cat');
RESET enable_seqscan;
-- a composite key comes back as a JSON object
SELECT key, headline FROM imgtrans_search('k_comp', 'hello') ORDER BY key->>'org';
SELECT try($$SELECT * FROM imgtrans_search('pg_class', 'x')$$);

-- OCR language picks the text search configuration
SELECT l, imgtrans_ts_config(l) FROM unnest('{eng,spa,eng+spa,spa+eng,deu,chi_sim}'::text[]) l;

-- translation into the results: text and translation of a row in one query
\getenv apy IMGTRANS_APERTIUM_URL
SELECT count(*) AS provider_added
FROM (SELECT imgtrans_add_provider('results_apy', 'apertium', :'apy', NULL, '{"default": true}')) s;
CREATE TABLE k_tr (id int PRIMARY KEY, img bytea);
SELECT imgtrans_setup_results('k_tr', 'img', 'eng', 'spa');
INSERT INTO k_tr VALUES (1, fx('doc.png'));
SELECT wait_table('k_tr');
SELECT k.id, t.text, t.translated FROM k_tr k JOIN k_tr_imgtrans_text t USING (id);
SELECT box_no, level, text, translated FROM k_tr_imgtrans_boxes ORDER BY box_no;

-- search in Spanish: doc.png with its translation painted in, OCRed as spa
CREATE TABLE k_spa (id int PRIMARY KEY, img bytea);
SELECT imgtrans_setup_results('k_spa', 'img', 'spa');
INSERT INTO k_spa SELECT 1, imgtrans_render(fx('doc.png'), (SELECT jsonb_agg(b) FROM k_tr_imgtrans_boxes b));
SELECT wait_table('k_spa');
SELECT tsconfig, text FROM k_spa_imgtrans_text;
-- "jardines" finds "jardín" and "comprando" finds "comprar" with the
-- spanish configuration (english would find neither)
SELECT q, key, page, headline, jsonb_path_query_array(words, '$[*].text') AS words
FROM unnest('{jardines,comprando}'::text[]) q, imgtrans_search('k_spa', q) ORDER BY q;
SELECT q, to_tsvector('english', text) @@ websearch_to_tsquery('english', q) AS english_would_match
FROM k_spa_imgtrans_text, unnest('{jardines,comprando}'::text[]) q ORDER BY q;

-- job options for the table's jobs (0.18.0): preprocess => '{auto}' for a
-- whole table, so a page stored upside down reads as the upright one; the
-- trigger carries them, result_tables records them
CREATE TABLE k_auto (id int PRIMARY KEY, img bytea);
SELECT imgtrans_setup_results('k_auto', 'img', options => '{"preprocess": ["auto"]}');
SELECT regexp_replace(pg_get_triggerdef(oid), '^.* EXECUTE FUNCTION ', '') AS trigger_call
FROM pg_trigger WHERE tgrelid = 'k_auto'::regclass AND tgname = 'imgtrans_results';
SELECT lang, target, options FROM imgtrans.result_tables WHERE source_table = 'k_auto'::regclass;
INSERT INTO k_auto VALUES (1, fx('doc-rot180.png'));
SELECT wait_table('k_auto');
SELECT regexp_replace(btrim(t.text, E' \n\f'), '\s+', ' ', 'g') =
       regexp_replace(btrim(imgtrans_ocr_text(fx('doc.png')), E' \n\f'), '\s+', ' ', 'g') AS reads_as_upright
FROM k_auto_imgtrans_text t;
SELECT imgtrans_drop_results('k_auto');
DROP TABLE k_auto;

-- setup errors
CREATE TABLE nokey (img bytea);
CREATE TABLE badkey (text text PRIMARY KEY, img bytea);
SELECT try($$SELECT imgtrans_setup_results('nokey', 'img')$$);
SELECT try($$SELECT imgtrans_setup_results('badkey', 'img')$$);
SELECT try($$SELECT imgtrans_setup_results('k_int', 'img')$$);
SELECT try($$SELECT imgtrans_setup_results('k_tr_imgtrans_text', 'nope')$$);
SELECT try($$SELECT imgtrans_setup_results('pg_class', 'img')$$);
SELECT try($$SELECT imgtrans_setup_results('nokey', 'img', 'klingon')$$);
SELECT try($$SELECT imgtrans_setup_results('nokey', 'img', '../etc')$$);
SELECT try($$SELECT imgtrans_setup_results('imgtrans.workers', 'img')$$);
-- bad job options: refused before anything is made
SELECT try($$SELECT imgtrans_setup_results('nokey', 'img', options => '{"preprocess": ["sharpen"]}')$$);
SELECT try($$SELECT imgtrans_setup_results('nokey', 'img', options => '{"colour": "red"}')$$);
-- another role can neither set up nor drop results of tables it does not own
CREATE ROLE results_other;
SET ROLE results_other;
SELECT try($$SELECT imgtrans_setup_results('nokey', 'img')$$);
SELECT try($$SELECT imgtrans_drop_results('k_tr')$$);
SELECT try($$INSERT INTO imgtrans.result_tables (source_table, image_column, lang, boxes_table, text_table)
             VALUES ('nokey', 'img', 'eng', 'k_tr_imgtrans_boxes', 'k_tr_imgtrans_text')$$);
RESET ROLE;
DROP ROLE results_other;
-- drop: trigger, tables and registration
SELECT imgtrans_drop_results('k_tr');
SELECT to_regclass('k_tr_imgtrans_boxes') AS boxes, to_regclass('k_tr_imgtrans_text') AS text,
       (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'k_tr'::regclass AND NOT tgisinternal) AS triggers,
       (SELECT count(*) FROM imgtrans.result_tables WHERE source_table = 'k_tr'::regclass) AS registered;
SELECT try($$SELECT imgtrans_drop_results('k_tr')$$);
SELECT imgtrans_drop_provider('results_apy');
-- jobs, their staged boxes and the registry are dumped by pg_dump
SELECT extconfig::regclass[] FROM pg_extension WHERE extname = 'imgtrans';

-- upgrade: 0.6.0's job results stay readable after ALTER EXTENSION UPDATE
SELECT current_database() AS regress_db \gset
CREATE DATABASE imgtrans_results_upgrade;
\c imgtrans_results_upgrade
CREATE EXTENSION imgtrans VERSION '0.6.0';
CREATE TABLE photos (id int PRIMARY KEY, img bytea);
INSERT INTO imgtrans.jobs (kind, owner, source_table, source_column, source_key, lang, status)
VALUES ('ocr', 'postgres', 'photos', 'img', '1', 'eng', 'done');
INSERT INTO imgtrans.job_boxes (job_id, box_no, level, text) VALUES (1, 1, 'word', 'Hello'), (1, 2, 'word', 'world');
ALTER EXTENSION imgtrans UPDATE;
SELECT extversion = default_version AS updated_to_default FROM pg_extension, pg_available_extensions
WHERE extname = 'imgtrans' AND name = 'imgtrans';
SELECT j.source_key, j.status, string_agg(b.text, ' ' ORDER BY b.box_no) AS text
FROM imgtrans.jobs j JOIN imgtrans.job_boxes b ON b.job_id = j.id GROUP BY 1, 2;
SELECT imgtrans_setup_results('photos', 'img') AS boxes_table;
\c :regress_db
DROP DATABASE imgtrans_results_upgrade;
