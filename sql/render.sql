-- imgtrans_render: modes, formats, size and DPI kept, the OCR round trip
-- (render Spanish text into doc.png, read it back with lang => 'spa'),
-- editing a box through SQL, and the array overload.
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;
-- character error rate of got against want, white space runs as one space
-- (levenshtein: 255 chars max, so callers compare box by box)
CREATE FUNCTION cer(got text, want text) RETURNS numeric LANGUAGE sql IMMUTABLE
AS $$ SELECT round(levenshtein(regexp_replace(coalesce(got, ''), '\s+', ' ', 'g'),
                               regexp_replace(want, '\s+', ' ', 'g'))::numeric
                   / greatest(length(regexp_replace(want, '\s+', ' ', 'g')), 1), 3) $$;
-- the words of an OCR result, in reading order, whose centre lies in a box
CREATE FUNCTION words_in(img bytea, lang text, b box) RETURNS text LANGUAGE sql STABLE
AS $$ SELECT string_agg(w.text, ' ' ORDER BY w.block_num, w.par_num, w.line_num, w.word_num)
      FROM imgtrans_ocr(img, lang) w
      WHERE btrim(w.text) <> '' AND b @> point(w.x + w.width / 2.0, w.y + w.height / 2.0) $$;

-- OCR text without the trailing newline
CREATE FUNCTION ocr_text(img bytea, lang text DEFAULT 'eng') RETURNS text LANGUAGE sql STABLE
AS $$ SELECT btrim(imgtrans_ocr_text(img, lang), E' \n') $$;

-- doc.png's paragraphs translated to Spanish by Apertium (started by scripts/test.sh)
\getenv apy IMGTRANS_APERTIUM_URL
SELECT count(*) AS provider_added FROM (SELECT imgtrans_add_provider('render_apy', 'apertium', :'apy')) s;
CREATE TABLE doc_es AS
SELECT * FROM imgtrans_translate_image(fx('doc.png'), 'es', provider => 'render_apy');
SELECT level, block_num, par_num, x, y, width, height, text, translated FROM doc_es ORDER BY block_num;
-- lines instead of paragraphs; the source as ISO 639-1, the target as Apertium names it
SELECT block_num, line_num, text, translated
FROM imgtrans_translate_image(fx('doc.png'), 'spa', 'en', 'line', 'render_apy') ORDER BY 1, 2;
-- the paragraphs again: all from the cache, no HTTP
CREATE TEMP TABLE stats0 AS SELECT * FROM imgtrans_cache_stats();
SELECT count(*) AS paras FROM imgtrans_translate_image(fx('doc.png'), 'es', provider => 'render_apy');
SELECT s.hits - s0.hits AS cache_hits, s.misses - s0.misses AS cache_misses
FROM imgtrans_cache_stats() s, stats0 s0;
-- the page turned upside down, with preprocess => '{auto}': the same
-- translations, and each box where the turn put it in the turned image
SELECT r.block_num, r.translated = d.translated AS same_translation,
       r.x = 1072 - (d.x + d.width) AND r.y = 393 - (d.y + d.height) AS box_turned
FROM imgtrans_translate_image(fx('doc-rot180.png'), 'es', provider => 'render_apy',
                              preprocess => '{auto}') r
JOIN doc_es d USING (block_num) ORDER BY 1;
-- an image without text: no rows, no provider call
SELECT count(*) AS blank_rows FROM imgtrans_translate_image(fx('blank.png'), 'es', provider => 'render_apy');
-- the colour sign: the blue panel (a paragraph without text) is not a row
SELECT block_num, text, translated
FROM imgtrans_translate_image(fx('sign.png'), 'es', provider => 'render_apy') ORDER BY block_num;

-- translate (the default mode): same size and DPI, gray stays gray
CREATE TABLE rendered AS
SELECT imgtrans_render(fx('doc.png'), (SELECT jsonb_agg(d) FROM doc_es d)) AS img;
SELECT (imgtrans_image_info(img)).* FROM rendered;

-- round trip: OCR the rendered image in Spanish, per box CER <= 10 %
SELECT d.block_num, words_in(r.img, 'spa', d.bbox) AS ocr,
       cer(words_in(r.img, 'spa', d.bbox), d.translated) AS cer,
       cer(words_in(r.img, 'spa', d.bbox), d.translated) <= 0.10 AS cer_ok
FROM doc_es d, rendered r ORDER BY d.block_num;
-- and none of the English is left
SELECT count(*) AS english_words_left
FROM rendered r, imgtrans_ocr(r.img, 'spa') w
WHERE w.text IN ('house', 'cat', 'sleeps', 'garden', 'weather', 'bread', 'river');

-- editing: change one translation with UPDATE, render, OCR
UPDATE doc_es SET translated = 'Mi perro come pan fresco.' WHERE block_num = 1;
SELECT words_in(img, 'spa', (SELECT bbox FROM doc_es WHERE block_num = 1)) AS edited,
       imgtrans_ocr_text(img, 'spa') LIKE '%gato%' AS old_text_left
FROM (SELECT imgtrans_render(fx('doc.png'), (SELECT jsonb_agg(d) FROM doc_es d)) AS img) r;
-- the same edit with jsonb_set on the box list
SELECT words_in(img, 'spa', (SELECT bbox FROM doc_es WHERE block_num = 2)) AS edited
FROM (SELECT imgtrans_render(fx('doc.png'),
        jsonb_set(jsonb_agg(d ORDER BY block_num), '{1,translated}', '"Hoy llueve mucho."')) AS img
      FROM doc_es d) r;
-- deleting a box leaves its original text; an empty translation erases it
SELECT ocr_text(imgtrans_render(fx('doc.png'),
         (SELECT jsonb_agg(d) FROM doc_es d WHERE block_num = 2))) AS first_para_kept;
SELECT ocr_text(imgtrans_render(fx('doc.png'),
         (SELECT jsonb_agg(jsonb_set(to_jsonb(d), '{translated}', '""')) FROM doc_es d
          WHERE block_num = 1))) AS first_para_erased;

-- the array overload: imgtrans_translated_box[]
SELECT words_in(imgtrans_render(fx('doc.png'), array_agg(ROW(d.*)::imgtrans_translated_box)),
                'spa', (SELECT bbox FROM doc_es WHERE block_num = 2)) AS from_array
FROM doc_es d;
-- boxes: same size and DPI, colour for the outlines
SELECT (imgtrans_image_info(imgtrans_render(fx('doc.png'),
          (SELECT jsonb_agg(w) FROM imgtrans_ocr(fx('doc.png')) w), 'boxes'))).*;
-- erase: same size and DPI, and no word of the original is left
CREATE TABLE erased AS
SELECT imgtrans_render(fx('doc.png'), (SELECT jsonb_agg(w) FROM imgtrans_ocr(fx('doc.png')) w),
                       'erase') AS img;
SELECT (imgtrans_image_info(img)).* FROM erased;
SELECT count(*) AS words_left FROM erased, imgtrans_ocr(img) w WHERE btrim(w.text) <> '';

-- every output format decodes, at the original size; resolution where the format has one
SELECT f AS format_asked, i.format, i.width, i.height, i.xres, i.yres
FROM unnest(ARRAY['png', 'jpeg', 'webp', 'tiff', 'JPG']) f,
     imgtrans_image_info(imgtrans_render(fx('doc.png'),
        (SELECT jsonb_agg(d) FROM doc_es d), format => f)) i;

-- colour image: white on blue and brown on yellow stay that way (OCR reads the new text)
SELECT ocr_text(imgtrans_render(fx('sign.png'), array_agg(t)), 'spa') AS sign
FROM imgtrans_translate_image(fx('sign.png'), 'es', provider => 'render_apy') t;
SELECT (imgtrans_image_info(imgtrans_render(fx('sign.png'), NULL::jsonb, 'erase', 'jpeg'))).*;

-- Unicode: accents, ß, CJK and emoji (each from a font that has it, render_scripts.sql);
-- tesseract's spa model reads ß as B or f
SELECT length(imgtrans_render(fx('hello.png'),
         '[{"x": 16, "y": 16, "width": 496, "height": 58, "translated": "Grüße ñandú 日本語 😀"}]'::jsonb)) > 0 AS unicode_ok;
SELECT ocr_text(imgtrans_render(fx('hello.png'),
         '[{"x": 16, "y": 16, "width": 496, "height": 58, "translated": "Straße über Ñandú"}]'::jsonb), 'spa') AS accents;

-- boxes outside the image are clipped or skipped; zero-sized boxes draw nothing
SELECT imgtrans_render(fx('hello.png'), '[{"x": -5000, "y": -5000, "width": 10, "height": 10, "translated": "x"},
    {"x": 100000, "y": 0, "width": 10, "height": 10}, {"x": 0, "y": 0, "width": 0, "height": 0, "translated": "y"}]'::jsonb,
    'erase') = imgtrans_render(fx('hello.png'), '[]'::jsonb, 'erase') AS outside_boxes_ignored;
SELECT ocr_text(imgtrans_render(fx('hello.png'),
         '[{"x": -100, "y": -100, "width": 700, "height": 300, "translated": "Hola"}]'::jsonb)) AS clipped_box;
-- no boxes (jsonb_agg of no rows is NULL): the image unchanged, re-encoded
SELECT ocr_text(imgtrans_render(fx('hello.png'),
         (SELECT jsonb_agg(w) FROM imgtrans_ocr(fx('blank.png')) w))) AS no_boxes;
SELECT imgtrans_render(NULL, '[]'::jsonb) IS NULL AS null_image;
-- a box with only text (OCR rows) is re-typeset in translate mode
SELECT ocr_text(imgtrans_render(fx('hello.png'),
         (SELECT jsonb_agg(w) FROM imgtrans_ocr(fx('hello.png'), level => 'line') w))) AS retypeset;

-- imgtrans_translated_box is imgtrans_box plus translated, and imgtrans.job_boxes
-- stores the same columns after its keys (three column lists that must agree);
-- since 0.7.0 imgtrans_box also ends with page_num, since 0.10.0 imgtrans_translated_box too (after
-- translated); imgtrans.job_boxes too since 0.12.0 (after translated, the same columns)
WITH cols AS (
  SELECT attrelid::regclass::text AS rel, array_agg(attname || ' ' || format_type(atttypid, atttypmod)
                                                    ORDER BY attnum) AS c
  FROM pg_attribute
  WHERE attrelid IN ('imgtrans_box'::regclass, 'imgtrans_translated_box'::regclass,
                     'imgtrans.job_boxes'::regclass)
    AND attnum > 0 AND NOT attisdropped AND attname NOT IN ('job_id', 'box_no')
  GROUP BY attrelid)
SELECT t.c = b.c[1:12] || 'translated text'::text || b.c[13:] AS box_plus_translated,
       t.c = j.c AS same_as_job_boxes, b.c[13:] = '{"page_num integer"}' AS box_then_page_num
FROM cols t, cols b, cols j
WHERE t.rel = 'imgtrans_translated_box' AND b.rel = 'imgtrans_box' AND j.rel = 'imgtrans.job_boxes';

-- text that does not fit even at 4 px is clipped to the painted-over area (the box
-- and a 1 px margin here): erasing that area again gives the erased original back
SELECT imgtrans_render(imgtrans_render(fx('blank.png'),
         '[{"x": 20, "y": 20, "width": 60, "height": 6, "translated": "far too many words to fit in this small box at four pixels, they would run down the page"}]'::jsonb),
         '[{"x": 19, "y": 19, "width": 62, "height": 8}]'::jsonb, 'erase')
     = imgtrans_render(fx('blank.png'), '[{"x": 19, "y": 19, "width": 62, "height": 8}]'::jsonb, 'erase')
       AS overflow_clipped,
       imgtrans_render(fx('blank.png'),
         '[{"x": 20, "y": 20, "width": 60, "height": 6, "translated": "far too many words to fit in this small box at four pixels, they would run down the page"}]'::jsonb)
     <> imgtrans_render(fx('blank.png'), '[{"x": 20, "y": 20, "width": 60, "height": 6}]'::jsonb, 'erase')
       AS text_drawn;

-- documents (0.10.0): translate page 2 of a PDF, render its overlay on that page; boxes
-- carry page_num, and boxes of other pages are left out of the render
CREATE TABLE scan_es AS
SELECT t.* FROM imgtrans_translate_image(fx('scan.pdf'), 'es', provider => 'render_apy', page => 2) t;
SELECT page_num, count(*) AS paras, bool_and(translated IS NOT NULL) AS translated FROM scan_es GROUP BY 1;
SELECT (SELECT array_agg(text ORDER BY block_num, par_num) FROM scan_es)
       = (SELECT array_agg(t.text ORDER BY t.block_num, t.par_num)
          FROM imgtrans_translate_image(fx('pages.tif'), 'es', provider => 'render_apy', page => 2) t)
       AS pdf_page_2_is_tiff_page_2;
SELECT (imgtrans_image_info(img)).width, (imgtrans_image_info(img)).xres,
       words_in(img, 'spa', (SELECT bbox FROM scan_es ORDER BY block_num LIMIT 1)) AS translated_on_page
FROM (SELECT imgtrans_render(fx('scan.pdf'), (SELECT jsonb_agg(s) FROM scan_es s), page => 2) AS img) r;
-- the same boxes said to be on page 1 are not drawn on page 2: the page comes back unchanged
SELECT imgtrans_ocr_text(imgtrans_render(fx('scan.pdf'),
         (SELECT jsonb_agg(jsonb_set(to_jsonb(s), '{page_num}', '1')) FROM scan_es s), page => 2))
       = imgtrans_ocr_text(fx('scan.pdf'), pages => '{2}') AS other_page_boxes_left_out;
-- the array overload and a lower dpi: boxes scale with the page
SELECT (imgtrans_image_info(imgtrans_render(fx('scan.pdf'),
          (SELECT array_agg(t) FROM imgtrans_translate_image(fx('scan.pdf'), 'es', provider => 'render_apy',
                                                             page => 1, dpi => 150) t),
          page => 1, dpi => 150))).width AS width_at_150;
-- preprocessing a page
SELECT (imgtrans_image_info(imgtrans_preprocess(fx('scan.pdf'), '{gray,otsu}', 2, 150))).*;
SELECT what, try(q) AS result FROM (VALUES
  ('render page 3 of 2',     $$SELECT imgtrans_render(fx('scan.pdf'), '[]'::jsonb, page => 3)$$),
  ('render page 2 of image', $$SELECT imgtrans_render(fx('hello.png'), '[]'::jsonb, page => 2)$$),
  ('translate page 0',       $$SELECT * FROM imgtrans_translate_image(fx('scan.pdf'), 'es', provider => 'render_apy', page => 0)$$),
  ('preprocess bad dpi',     $$SELECT imgtrans_preprocess(fx('scan.pdf'), '{gray}', 1, 5)$$),
  ('render NULL page',       $$SELECT coalesce(imgtrans_render(fx('scan.pdf'), '[]'::jsonb, page => NULL)::text, 'NULL')$$)
) AS t(what, q);
