-- The OCR cache (imgtrans.ocr_cache): off by default and superuser-only;
-- a hit gives rows identical to OCR (EXCEPT both ways, order included);
-- every argument is part of the key (a different psm, vars, preprocess,
-- level or output kind is a miss; vars in another order is a hit); a
-- changed traineddata file is a miss; read-only transactions do not
-- store; jobs use it; stats count; purge works and is superuser-only.
SHOW imgtrans.ocr_cache;
CREATE ROLE ocr_cache_user;
SET ROLE ocr_cache_user;
SELECT try('SET imgtrans.ocr_cache = on');
SELECT try('SELECT * FROM imgtrans.ocr_cache');
SELECT try('SELECT imgtrans_ocr_cache_purge()');
RESET ROLE;

SET imgtrans.ocr_cache = on;
SELECT imgtrans_ocr_cache_purge() >= 0 AS purged;
-- hits and misses since the last snapshot
CREATE TEMP TABLE snap AS SELECT hits, misses FROM imgtrans_ocr_cache_stats();
CREATE FUNCTION delta() RETURNS text LANGUAGE sql AS $$
  WITH d AS (SELECT s.hits - p.hits AS h, s.misses - p.misses AS m
             FROM imgtrans_ocr_cache_stats() s, snap p),
       u AS (UPDATE snap SET hits = s.hits, misses = s.misses FROM imgtrans_ocr_cache_stats() s)
  SELECT format('hits +%s, misses +%s', h, m) FROM d
$$;

-- a full page, every level: miss, then hit with identical rows
CREATE TEMP TABLE first AS SELECT level, block_num, par_num, line_num, word_num, x, y, width, height, conf, text, page_num, bbox::text AS bbox, ordinality
  FROM imgtrans_ocr(fx('doc.png'), level => 'all') WITH ORDINALITY;
SELECT delta();
CREATE TEMP TABLE second AS SELECT level, block_num, par_num, line_num, word_num, x, y, width, height, conf, text, page_num, bbox::text AS bbox, ordinality
  FROM imgtrans_ocr(fx('doc.png'), level => 'all') WITH ORDINALITY;
SELECT delta();
SET imgtrans.ocr_cache = off;
CREATE TEMP TABLE fresh AS SELECT level, block_num, par_num, line_num, word_num, x, y, width, height, conf, text, page_num, bbox::text AS bbox, ordinality
  FROM imgtrans_ocr(fx('doc.png'), level => 'all') WITH ORDINALITY;
SET imgtrans.ocr_cache = on;
SELECT delta();
SELECT (SELECT count(*) FROM first) AS nrows,
       (SELECT count(*) FROM first) = (SELECT count(*) FROM second) AS same_count,
       NOT EXISTS (SELECT * FROM first EXCEPT SELECT * FROM second) AS first_in_second,
       NOT EXISTS (SELECT * FROM second EXCEPT SELECT * FROM first) AS second_in_first,
       NOT EXISTS (SELECT * FROM fresh EXCEPT SELECT * FROM second) AS fresh_in_second,
       NOT EXISTS (SELECT * FROM second EXCEPT SELECT * FROM fresh) AS second_in_fresh;

-- text outputs: miss, hit, same text as without the cache; each kind has its own entry
-- (the second call of one statement is a hit too)
SELECT imgtrans_ocr_text(fx('hello.png')) = imgtrans_ocr_text(fx('hello.png')) AS text_same;
SELECT delta();
SELECT imgtrans_ocr_tsv(fx('hello.png')) IS NOT NULL AS tsv, imgtrans_ocr_hocr(fx('hello.png')) IS NOT NULL AS hocr;
SELECT delta();
SELECT imgtrans_ocr_text(fx('hello.png')) AS cached_text;
SET imgtrans.ocr_cache = off;
SELECT imgtrans_ocr_text(fx('hello.png')) AS uncached_text;
SET imgtrans.ocr_cache = on;
SELECT delta();

-- the key: psm, vars, preprocess and level are misses; vars in another order is a hit
SELECT count(*) > 0 AS rows FROM imgtrans_ocr(fx('hello.png'));
SELECT delta();
SELECT count(*) > 0 AS rows FROM imgtrans_ocr(fx('hello.png'), psm => 7);
SELECT delta();
SELECT count(*) > 0 AS rows FROM imgtrans_ocr(fx('hello.png'), vars => '{"tessedit_char_blacklist": "q", "preserve_interword_spaces": true}');
SELECT delta();
SELECT count(*) > 0 AS rows FROM imgtrans_ocr(fx('hello.png'), vars => '{"preserve_interword_spaces": 1, "tessedit_char_blacklist": "q"}');
SELECT delta();
SELECT count(*) > 0 AS rows FROM imgtrans_ocr(fx('hello.png'), vars => '{"tessedit_char_blacklist": "z", "preserve_interword_spaces": true}');
SELECT delta();
SELECT count(*) > 0 AS rows FROM imgtrans_ocr(fx('hello.png'), preprocess => '{gray}');
SELECT delta();
SELECT count(*) > 0 AS rows FROM imgtrans_ocr(fx('hello.png'), level => 'line');
SELECT delta();
SELECT count(*) > 0 AS rows FROM imgtrans_ocr(fx('hello.jpg'));
SELECT delta();
-- a document's pages and dpi
SELECT count(*) > 0 AS rows FROM imgtrans_ocr(fx('pages.tif'), pages => '{2}');
SELECT count(*) > 0 AS rows FROM imgtrans_ocr(fx('pages.tif'), pages => '{1}');
SELECT count(*) > 0 AS rows FROM imgtrans_ocr(fx('pages.tif'), pages => '{2}');
SELECT delta();

-- auto's script trial reads with a model chosen among imgtrans.auto_languages:
-- that setting is part of the key, so a narrower one never gets a reading
-- made with a model it excludes (ru.png passed as eng: rus, then eng alone)
SELECT imgtrans_ocr_text(fx('ru.png'), preprocess => '{auto}') ~ 'Дом' AS read_with_rus;
SELECT imgtrans_ocr_text(fx('ru.png'), preprocess => '{auto}') ~ 'Дом' AS hit_read_with_rus;
SELECT delta();
SET imgtrans.auto_languages = 'eng+spa';
SELECT imgtrans_ocr_text(fx('ru.png'), preprocess => '{auto}') ~ 'Дом' AS narrowed_read_with_rus;
SELECT delta();
RESET imgtrans.auto_languages;

-- errors are not cached, and a hit never skips argument checks
SELECT try($$SELECT imgtrans_ocr_text(fx('hello.png'), psm => 0)$$);
SELECT try($$SELECT imgtrans_ocr_text(fx('hello.png'), 'nosuchlang')$$);
SELECT try($$SELECT imgtrans_ocr_text(fx('hello.png'), 'nosuchlang')$$);

-- a read-only transaction looks up but does not store
SELECT rows AS rows_before FROM imgtrans_ocr_cache_stats() \gset
BEGIN READ ONLY;
SELECT imgtrans_ocr_text(fx('hello.png'), psm => 8) IS NOT NULL AS ocr_ro;
SELECT imgtrans_ocr_text(fx('hello.png')) IS NOT NULL AS hit_ro;
COMMIT;
SELECT delta();
SELECT rows - :rows_before AS rows_added FROM imgtrans_ocr_cache_stats();

-- another role gets a hit for the same bytes (it has them) without reading the table
CREATE TEMP TABLE img AS SELECT fx('hello.png') AS img;
GRANT SELECT ON img TO ocr_cache_user;
SET ROLE ocr_cache_user;
SELECT imgtrans_ocr_text(img) IS NOT NULL AS hit_as_user FROM img;
SELECT try('SELECT count(*) FROM imgtrans.ocr_cache');
RESET ROLE;
SELECT delta();

-- a changed traineddata file is a miss (a private tessdata dir, touched;
-- each program reads COPY's row first: one that exits before COPY has
-- written it fails with a broken pipe)
DO $$ BEGIN
  EXECUTE format('COPY (SELECT 1) TO PROGRAM %L',
    format('cat >/dev/null; d=/tmp/imgtrans-ocrcache-td-%s; rm -rf $d && mkdir $d && cp %s/eng.traineddata %s/osd.traineddata $d/',
           pg_backend_pid(), '/usr/share/tesseract-ocr/5/tessdata', '/usr/share/tesseract-ocr/5/tessdata'));
  PERFORM set_config('imgtrans.tessdata_dir', '/tmp/imgtrans-ocrcache-td-' || pg_backend_pid(), false);
END $$;
SELECT imgtrans_ocr_text(fx('hello.png')) IS NOT NULL AS ocr_td;
SELECT imgtrans_ocr_text(fx('hello.png')) IS NOT NULL AS hit_td;
SELECT delta();
DO $$ BEGIN
  EXECUTE format('COPY (SELECT 1) TO PROGRAM %L',
    format('cat >/dev/null; touch -d 2001-01-01 /tmp/imgtrans-ocrcache-td-%s/eng.traineddata', pg_backend_pid()));
END $$;
SELECT imgtrans_ocr_text(fx('hello.png')) IS NOT NULL AS ocr_after_upgrade;
SELECT delta();
DO $$ BEGIN
  EXECUTE format('COPY (SELECT 1) TO PROGRAM %L', format('cat >/dev/null; rm -rf /tmp/imgtrans-ocrcache-td-%s', pg_backend_pid()));
END $$;
RESET imgtrans.tessdata_dir;

-- jobs: the workers use the cache too; an identical image is not OCRed again
ALTER SYSTEM SET imgtrans.ocr_cache = on;
SELECT pg_reload_conf();
SELECT pg_sleep(0.5);
SELECT imgtrans_submit(fx('cheque.png')) AS job1 \gset
SELECT imgtrans_wait(:job1, '2 minutes');
SELECT delta();
SELECT imgtrans_submit(fx('cheque.png')) AS job2 \gset
SELECT imgtrans_wait(:job2, '2 minutes');
SELECT delta();
SELECT count(*) > 0 AS boxes,
       NOT EXISTS (SELECT box_no, level, block_num, par_num, line_num, word_num, x, y, width, height, conf, text
                   FROM imgtrans.job_boxes WHERE job_id = :job1
                   EXCEPT SELECT box_no, level, block_num, par_num, line_num, word_num, x, y, width, height, conf, text
                   FROM imgtrans.job_boxes WHERE job_id = :job2) AS same_1_2,
       NOT EXISTS (SELECT box_no, level, block_num, par_num, line_num, word_num, x, y, width, height, conf, text
                   FROM imgtrans.job_boxes WHERE job_id = :job2
                   EXCEPT SELECT box_no, level, block_num, par_num, line_num, word_num, x, y, width, height, conf, text
                   FROM imgtrans.job_boxes WHERE job_id = :job1) AS same_2_1
FROM imgtrans.job_boxes WHERE job_id = :job1;
ALTER SYSTEM RESET imgtrans.ocr_cache;
SELECT pg_reload_conf();

-- stats and purge
SELECT rows > 0 AS has_rows, bytes > 0 AS has_bytes FROM imgtrans_ocr_cache_stats();
SELECT imgtrans_ocr_cache_purge('1 hour');
SELECT imgtrans_ocr_cache_purge() > 0 AS purged;
SELECT rows FROM imgtrans_ocr_cache_stats();
SELECT count(*) > 0 AS rows FROM imgtrans_ocr(fx('hello.png'));
SELECT delta();
SELECT imgtrans_ocr_cache_purge();
DROP FUNCTION delta();
DROP OWNED BY ocr_cache_user;
DROP ROLE ocr_cache_user;
