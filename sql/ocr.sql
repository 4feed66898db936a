-- imgtrans_ocr box rows, text and the document formats, on committed fixtures.
-- Tesseract runs single-threaded (imgtrans.ocr_threads = 1), so output is
-- deterministic; confidences are rounded to keep the expected file readable.

-- word rows of one line
SELECT level, block_num, par_num, line_num, word_num, x, y, width, height,
       round(conf) AS conf, text, bbox
FROM imgtrans_ocr(fx('hello.png'));

-- the engine is single-threaded in this backend although the server was
-- started without OMP_THREAD_LIMIT, and the eng engine is cached in the
-- backend's OCR process, a child of the backend; the image was decoded by
-- another child, the backend's image decoder
SELECT omp_thread_limit, cached_languages,
       ocr_process_pid > 0 AND ocr_process_pid <> pg_backend_pid() AS has_ocr_process,
       decoder_pid > 0 AND decoder_pid NOT IN (pg_backend_pid(), ocr_process_pid) AS has_decoder
FROM imgtrans_engine_info();
-- the limit is fixed once the engine is loaded: changing it says so
SET imgtrans.ocr_threads = 2;
SELECT count(*) FROM imgtrans_ocr(fx('hello.png'));
SELECT count(*) FROM imgtrans_ocr(fx('hello.png'));
RESET imgtrans.ocr_threads;

-- every level; numbering as in tesseract's TSV
SELECT level, block_num, par_num, line_num, word_num, x, y, width, height, text
FROM imgtrans_ocr(fx('doc.png'), level => 'all')
WHERE level <> 'word';
SELECT level, count(*) FROM imgtrans_ocr(fx('doc.png'), level => 'all') GROUP BY 1 ORDER BY 1;

-- the box rows agree with tesseract's own TSV, row for row
WITH tsv AS (
  SELECT string_to_array(l, E'\t') AS c
  FROM regexp_split_to_table(imgtrans_ocr_tsv(fx('doc.png')), E'\n') AS l
  WHERE l ~ '^[1-5]\t'
), tsv_rows AS (
  SELECT (ARRAY['page','block','para','line','word'])[c[1]::int] AS level,
         c[3]::int AS b, c[4]::int AS p, c[5]::int AS l, c[6]::int AS w,
         c[7]::int AS x, c[8]::int AS y, c[9]::int AS wd, c[10]::int AS ht,
         CASE WHEN c[1] = '5' THEN c[12] END AS text
  FROM tsv
), ours AS (
  SELECT level, block_num, par_num, line_num, word_num, x, y, width, height,
         CASE WHEN level = 'word' THEN text END
  FROM imgtrans_ocr(fx('doc.png'), level => 'all')
)
SELECT (SELECT count(*) FROM tsv_rows) AS tsv_rows,
       (SELECT count(*) FROM ours) AS our_rows,
       (SELECT count(*) FROM (SELECT * FROM tsv_rows EXCEPT SELECT * FROM ours) d) AS only_in_tsv,
       (SELECT count(*) FROM (SELECT * FROM ours EXCEPT SELECT * FROM tsv_rows) d) AS only_in_ours;

-- plain text, as the tesseract CLI prints it
SELECT imgtrans_ocr_text(fx('doc.png'));
SELECT imgtrans_ocr_text(fx('hello.png'), 'eng', 7);

-- line rows by level
SELECT line_num, text FROM imgtrans_ocr(fx('doc.png'), level => 'line') WHERE block_num = 2;

-- geometry: which words lie inside the second line of the first block
SELECT w.text
FROM imgtrans_ocr(fx('doc.png'), level => 'all') AS l
JOIN imgtrans_ocr(fx('doc.png')) AS w ON l.bbox @> w.bbox
WHERE l.level = 'line' AND l.block_num = 1 AND l.line_num = 2
ORDER BY w.word_num;

-- worked example: an IFSC code and a PAN off a scanned cheque
SELECT text AS ifsc FROM imgtrans_ocr(fx('cheque.png')) WHERE text ~ '^[A-Z]{4}0[A-Z0-9]{6}$';
SELECT text AS pan FROM imgtrans_ocr(fx('cheque.png')) WHERE text ~ '^[A-Z]{5}[0-9]{4}[A-Z]$';

-- vars apply to one call only
SELECT imgtrans_ocr_text(fx('cheque.png'), vars => '{"tessedit_char_whitelist": "0123456789"}')
       ~ '[A-Za-z]' AS has_letters_with_whitelist;
SELECT imgtrans_ocr_text(fx('cheque.png')) ~ 'STATE BANK OF EXAMPLE' AS default_again;
SELECT string_agg(text, ' ' ORDER BY word_num) AS without_l
FROM imgtrans_ocr(fx('hello.png'), vars => '{"tessedit_char_blacklist": "l"}');
SELECT string_agg(text, ' ' ORDER BY word_num) AS restored
FROM imgtrans_ocr(fx('hello.png'));
-- numbers and booleans are accepted as values
SELECT imgtrans_ocr_text(fx('hello.png'), vars => '{"textord_min_xheight": 10, "tessedit_do_invert": false}');

-- two languages at once, and the engine cache (LRU, 2 engines by default)
SELECT imgtrans_ocr_text(fx('hello.png'), 'eng+spa');
SELECT imgtrans_ocr_text(fx('hello.png'), 'spa');
SELECT cached_languages FROM imgtrans_engine_info();
SELECT imgtrans_ocr_text(fx('hello.png'), 'eng') IS NOT NULL AS ok;
SELECT cached_languages FROM imgtrans_engine_info();
SET imgtrans.engine_cache_size = 1;
SELECT imgtrans_ocr_text(fx('hello.png'), 'spa') IS NOT NULL AS ok;
SELECT cached_languages FROM imgtrans_engine_info();
RESET imgtrans.engine_cache_size;

-- hOCR, ALTO and TSV documents
SELECT (xpath('count(//x:span[@class="ocrx_word"])', imgtrans_ocr_hocr(fx('hello.png'))::xml,
              ARRAY[ARRAY['x', 'http://www.w3.org/1999/xhtml']]))[1]::text AS hocr_words;
SELECT array_to_string(xpath('//a:String/@CONTENT', imgtrans_ocr_alto(fx('hello.png'))::xml,
              ARRAY[ARRAY['a', 'http://www.loc.gov/standards/alto/ns-v3#']])::text[], ' ') AS alto_words;
SELECT split_part(imgtrans_ocr_tsv(fx('hello.png')), E'\n', 1) AS tsv_header;

-- an image without text: no rows, empty text
SELECT count(*) AS blank_rows FROM imgtrans_ocr(fx('blank.png'));
SELECT imgtrans_ocr_text(fx('blank.png')) = '' AS blank_text_empty;
SELECT count(*) AS tiny_rows FROM imgtrans_ocr(fx('tiny.png'));

-- NULL arguments: no rows / NULL, as STRICT would (only vars may be NULL)
SELECT count(*) FROM imgtrans_ocr(NULL);
SELECT count(*) FROM imgtrans_ocr(fx('hello.png'), NULL);
SELECT imgtrans_ocr_text(NULL) IS NULL AS null_text;
SELECT imgtrans_ocr_text(fx('hello.png'), 'eng', NULL) IS NULL AS null_psm;
SELECT imgtrans_ocr_text(fx('hello.png'), vars => NULL) AS null_vars_ok;

-- the languages installed with the test packages (others may be there too)
SELECT l FROM imgtrans_languages() l WHERE l IN ('eng', 'osd', 'spa') ORDER BY 1;
