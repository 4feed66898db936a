-- Documents: bad input and limits.  Each is an ERROR with a SQLSTATE and a
-- hint, and the same backend goes on working after it.
CREATE FUNCTION try_hint(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  hint text;
BEGIN
  EXECUTE q;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS hint = PG_EXCEPTION_HINT;
  RETURN SQLSTATE || ': ' || SQLERRM || ' (HINT: ' || coalesce(nullif(hint, ''), '-') || ')';
END $$;

SELECT what, try_hint(q) AS result FROM (VALUES
  ('encrypted pdf',      $$SELECT * FROM imgtrans_doc_info(fx('encrypted.pdf'))$$),
  ('truncated pdf',      $$SELECT * FROM imgtrans_doc_info(fx('truncated.pdf'))$$),
  ('corrupt pdf',        $$SELECT * FROM imgtrans_doc_info(fx('corrupt.pdf'))$$),
  ('pdf of 0 pages',     $$SELECT * FROM imgtrans_doc_info(fx('nopages.pdf'))$$),
  ('truncated tiff',     $$SELECT * FROM imgtrans_doc_info(fx('truncated.tif'))$$),
  ('tiff with a loop',   $$SELECT * FROM imgtrans_doc_info(fx('cycle.tif'))$$),
  ('lying tiff page',    $$SELECT imgtrans_page_image(fx('lying.tif'), 1)$$),
  ('200 x 200 in page',  $$SELECT imgtrans_page_image(fx('bomb-page.pdf'), 1)$$),
  ('... at 72 dpi',      $$SELECT imgtrans_page_image(fx('bomb-page.pdf'), 1, 72)$$),
  ('page 0',             $$SELECT imgtrans_page_image(fx('born.pdf'), 0)$$),
  ('page 3 of 2',        $$SELECT imgtrans_page_image(fx('born.pdf'), 3)$$),
  ('page 4 of 3 (tiff)', $$SELECT imgtrans_page_image(fx('pages.tif'), 4)$$),
  ('page 2 of an image', $$SELECT imgtrans_page_image(fx('hello.png'), 2)$$),
  ('dpi too high',       $$SELECT imgtrans_page_image(fx('born.pdf'), 1, 5000)$$),
  ('dpi too low',        $$SELECT * FROM imgtrans_doc_info(fx('born.pdf'), 10)$$),
  ('dpi 0',              $$SELECT * FROM imgtrans_doc_info(fx('born.pdf'), 0)$$),
  ('empty',              $$SELECT * FROM imgtrans_doc_info(''::bytea)$$),
  ('not a document',     $$SELECT * FROM imgtrans_doc_info(fx('random.bin'))$$),
  ('image bomb',         $$SELECT imgtrans_page_image(fx('bomb.png'), 1)$$),
  ('tiff bomb',          $$SELECT imgtrans_page_image(fx('bomb.tif'), 1)$$)
) AS t(what, q);

-- more pages than imgtrans.max_pages: refused when the document is opened
SET imgtrans.max_pages = 2;
SELECT what, try_hint(q) AS result FROM (VALUES
  ('2-page pdf',  $$SELECT * FROM imgtrans_doc_info(fx('born.pdf'))$$),
  ('3-page tiff', $$SELECT * FROM imgtrans_doc_info(fx('pages.tif'))$$)
) AS t(what, q);
SET imgtrans.max_pages = 1;
SELECT try_hint($$SELECT * FROM imgtrans_doc_info(fx('born.pdf'))$$) AS pdf_over_1;
RESET imgtrans.max_pages;
-- a page that fits the pixel limit only at a lower resolution
SET imgtrans.max_image_pixels = 1000000;
SELECT try_hint($$SELECT imgtrans_page_image(fx('born.pdf'), 1)$$) AS letter_at_300;
SELECT (imgtrans_image_info(imgtrans_page_image(fx('born.pdf'), 1, 100))).width AS letter_at_100;
RESET imgtrans.max_image_pixels;
-- imgtrans.max_pages is for superusers; imgtrans.pdf_dpi for anyone
CREATE ROLE doc_user;
SET ROLE doc_user;
SELECT try_hint($$SET imgtrans.max_pages = 100000$$) AS user_max_pages;
SELECT try_hint($$SET imgtrans.pdf_dpi = 100$$) AS user_pdf_dpi;
RESET ROLE;
DROP ROLE doc_user;

-- the backend works normally after all of that
SELECT count(*) AS pages, bool_and(has_text) AS all_text FROM imgtrans_doc_info(fx('born.pdf'));
SELECT imgtrans_ocr_text(imgtrans_page_image(fx('scan.pdf'), 1)) AS hello_page;

-- imgtrans_submit makes the same checks before it queues a job (as it reads
-- an image's header): the document opens, has 1 to imgtrans.max_pages pages,
-- and each page passes the pixel gate; nothing is rasterised.  The same
-- SQLSTATE and hint as the functions above, and no job is queued.
SELECT count(*) AS jobs_before FROM imgtrans.jobs \gset
SELECT what, try_hint(q) AS result FROM (VALUES
  ('encrypted pdf',     $$SELECT imgtrans_submit(fx('encrypted.pdf'))$$),
  ('truncated pdf',     $$SELECT imgtrans_submit(fx('truncated.pdf'))$$),
  ('corrupt pdf',       $$SELECT imgtrans_submit(fx('corrupt.pdf'))$$),
  ('pdf of 0 pages',    $$SELECT imgtrans_submit(fx('nopages.pdf'))$$),
  ('200 x 200 in page', $$SELECT imgtrans_submit(fx('bomb-page.pdf'))$$),
  ('truncated tiff',    $$SELECT imgtrans_submit(fx('truncated.tif'))$$),
  ('tiff with a loop',  $$SELECT imgtrans_submit(fx('cycle.tif'))$$),
  ('tiff bomb',         $$SELECT imgtrans_submit(fx('bomb.tif'))$$),
  ('image bomb',        $$SELECT imgtrans_submit(fx('bomb.png'))$$)
) AS t(what, q);
SET imgtrans.max_pages = 2;
SELECT try_hint($$SELECT imgtrans_submit(fx('pages.tif'))$$) AS submit_3_page_tiff;
SET imgtrans.max_pages = 1;
SELECT try_hint($$SELECT imgtrans_submit(fx('born.pdf'))$$) AS submit_2_page_pdf;
RESET imgtrans.max_pages;
SET imgtrans.max_image_pixels = 1000000;
SELECT try_hint($$SELECT imgtrans_submit(fx('born.pdf'))$$) AS submit_letter_at_300;
RESET imgtrans.max_image_pixels;
SELECT count(*) - :jobs_before AS jobs_queued FROM imgtrans.jobs;
-- the pages are measured at the resolution the worker will use, its
-- imgtrans.pdf_dpi, not one this session SET (letter at 2400 dpi would be
-- over the limit)
SET imgtrans.pdf_dpi = 2400;
SELECT imgtrans_submit(fx('born.pdf')) AS dpi_job \gset
RESET imgtrans.pdf_dpi;
SELECT imgtrans_cancel(:dpi_job) AS cancelled;
-- a PDF that passes is queued and read by a worker, page by page
-- (js.pdf: its JavaScript and attachment are ignored there too)
SELECT imgtrans_submit(fx('js.pdf')) AS job \gset
SELECT imgtrans_wait(:job, '2 minutes');
SELECT page_num, string_agg(text, ' ' ORDER BY box_no) AS words
FROM imgtrans.job_boxes WHERE job_id = :job AND level = 'word' GROUP BY 1;

-- A page whose content never ends: work-bomb.pdf (2.5 KB) draws a form
-- XObject that draws the next ten times, nine deep, a billion strokes.
-- Poppler cannot stop a render or a text extraction it has begun, so it
-- runs in a reader process the backend waits for on its latch and kills:
-- statement_timeout ends each call at once, whatever poppler is doing.
SELECT clock_timestamp() AS t0 \gset
SET statement_timeout = '300ms';
SELECT * FROM imgtrans_doc_info(fx('work-bomb.pdf'));
SELECT imgtrans_page_image(fx('work-bomb.pdf'), 1, 30);
SELECT count(*) FROM imgtrans_ocr(fx('work-bomb.pdf'), text_source => 'pdf');
SELECT count(*) FROM imgtrans_ocr(fx('work-bomb.pdf'));
RESET statement_timeout;
SELECT clock_timestamp() - :'t0'::timestamptz < interval '20 s' AS four_calls_stopped_in_time;
-- and the same backend goes on
SELECT * FROM imgtrans_doc_info(fx('born.pdf')) LIMIT 1;
