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
