-- Orientation, skew and preprocessing: pinned behaviour on the fixtures.

-- OSD: the rotated copies of doc.png (turned clockwise by 90/180/270)
SELECT f, orientation, rotate, script, orientation_conf > 2 AS confident
FROM unnest(ARRAY['doc.png', 'doc-rot90.png', 'doc-rot180.png', 'doc-rot270.png']) AS f,
     imgtrans_osd(fx(f));
-- one short line is too little text: NULLs, not an error
SELECT * FROM imgtrans_osd(fx('hello.png'));

-- skew: doc-skew5.png is doc.png turned 5 degrees clockwise
SELECT f, abs(angle - truth) < 0.5 AS within_half_degree, confidence >= 3 AS reliable
FROM (VALUES ('doc.png', 0.0), ('doc-skew5.png', 5.0)) AS t(f, truth), imgtrans_skew(fx(f));

-- auto brings every turned or skewed copy back to the upright text
SELECT f, imgtrans_ocr_text(fx(f), preprocess => '{auto}') = imgtrans_ocr_text(fx('doc.png')) AS same_as_upright
FROM unnest(ARRAY['doc.png', 'doc-rot90.png', 'doc-rot180.png', 'doc-rot270.png', 'doc-skew5.png']) AS f;
-- without preprocessing the 180-degree page is garbage
SELECT imgtrans_ocr_text(fx('doc-rot180.png')) = imgtrans_ocr_text(fx('doc.png')) AS rot180_without_auto;

-- boxes come back in the original image's coordinates: the word "house"
-- of doc.png (151,67 114x32), where each turn puts it in the turned image
SELECT f, x, y, width, height
FROM unnest(ARRAY['doc.png', 'doc-rot90.png', 'doc-rot180.png', 'doc-rot270.png']) AS f,
     imgtrans_ocr(fx(f), preprocess => '{auto}')
WHERE text = 'house';
-- in the skewed copy the box (mapped back through the deskew) still holds
-- the word: cropping the original there and reading it gives "house"
SELECT count(*) AS words_found FROM imgtrans_ocr(fx('doc-skew5.png'), preprocess => '{deskew}');
SELECT w.text, o.text AS reread
FROM imgtrans_ocr(fx('doc-skew5.png'), preprocess => '{deskew}') w,
     LATERAL (SELECT string_agg(text, ' ') AS text FROM imgtrans_ocr(fx('doc-skew5.png'), psm => 6)
              WHERE bbox && w.bbox AND area(bbox # w.bbox) > 0.5 * area(bbox)) o
WHERE w.text IN ('house', 'garden.', 'river.');

-- a skewed cheque (cheque-skew7.png): plain OCR loses lines and reads the
-- amount box's edges as "|"; deskew alone (on a canvas grown to hold the
-- turned page) reads every word but still an edge; auto (deskew, then
-- rules) reads every word and nothing else: the ground truth's row order,
-- or the column order tesseract gives the upright cheque
SELECT cfg,
       (SELECT count(*) FROM regexp_split_to_table(convert_from(fx('cheque.gt.txt'), 'UTF8'), '\s+') AS g(w)
        WHERE w <> '' AND w NOT IN (SELECT text FROM imgtrans_ocr(fx('cheque-skew7.png'), preprocess => cfg))) AS words_missed,
       (SELECT count(*) FROM imgtrans_ocr(fx('cheque-skew7.png'), preprocess => cfg) WHERE text = '|') AS bars
FROM (VALUES (NULL::text[]), ('{deskew}'), ('{auto}')) AS t(cfg);
SELECT btrim(regexp_replace(imgtrans_ocr_text(fx('cheque-skew7.png'), preprocess => '{auto}'), '\s+', ' ', 'g'))
       IN (btrim(regexp_replace(convert_from(fx('cheque.gt.txt'), 'UTF8'), '\s+', ' ', 'g')),
           btrim(regexp_replace(imgtrans_ocr_text(fx('cheque.png')), '\s+', ' ', 'g'))) AS auto_reads_every_line;
-- rules: tesseract reports ruled lines and box edges as word boxes without
-- text; after rules there are none and every word is still there
SELECT cfg, count(*) FILTER (WHERE btrim(text) = '') AS blank_boxes,
       string_agg(text, ' ' ORDER BY block_num, par_num, line_num, word_num) FILTER (WHERE btrim(text) <> '') AS words
FROM (VALUES (NULL::text[]), ('{rules}')) AS t(cfg), imgtrans_ocr(fx('cheque.png'), preprocess => cfg)
GROUP BY cfg ORDER BY cfg NULLS FIRST;
-- a colour photo stays in colour: box outlines drawn on sign.png are painted
-- over with its background, the words stay the same
WITH r AS (SELECT imgtrans_render(fx('sign.png'), '[{"x":60,"y":250,"width":780,"height":180}]'::jsonb,
                                  'boxes') AS img)
SELECT cfg, (imgtrans_image_info(imgtrans_preprocess(img, coalesce(cfg, '{}')))).depth,
       count(*) FILTER (WHERE btrim(text) = '') AS blank_boxes,
       string_agg(text, ' ' ORDER BY block_num, par_num, line_num, word_num) FILTER (WHERE btrim(text) <> '') AS words
FROM r, (VALUES (NULL::text[]), ('{rules}')) AS t(cfg), imgtrans_ocr(img, preprocess => cfg)
GROUP BY cfg, img ORDER BY cfg NULLS FIRST;
-- pages without rules are left as they were: text, and colour panels
SELECT f, imgtrans_preprocess(fx(f), '{rules}') = imgtrans_preprocess(fx(f), '{}') AS unchanged
FROM unnest(ARRAY['doc.png', 'sign.png']) AS f;

-- every step runs, and the result is a PNG of the expected size
SELECT s, (imgtrans_image_info(imgtrans_preprocess(fx('doc-rot90.png'), ARRAY[s]))).*
FROM unnest(ARRAY['gray', 'otsu', 'sauvola', 'deskew', 'orient', 'scale', 'denoise',
                  'border', 'invert', 'rules', 'auto']) AS s;
-- small type is scaled up (and its dpi with it); large type is left alone
SELECT f, (imgtrans_image_info(imgtrans_preprocess(fx(f), '{scale}'))).*
FROM unnest(ARRAY['doc-small.png', 'hello.png']) AS f;
SELECT imgtrans_ocr_text(fx('doc-small.png')) = imgtrans_ocr_text(fx('doc.png')) AS small_raw_exact,
       imgtrans_ocr_text(fx('doc-small.png'), preprocess => '{scale}') = imgtrans_ocr_text(fx('doc.png')) AS small_scaled_exact,
       imgtrans_ocr_text(fx('doc-small.png'), preprocess => '{auto}') = imgtrans_ocr_text(fx('doc.png')) AS small_auto_exact;
-- a clean upright page passes auto unchanged in size
SELECT (imgtrans_image_info(imgtrans_preprocess(fx('doc.png'), '{auto}'))).width AS doc_auto_width;
-- steps compose in order
SELECT (imgtrans_image_info(imgtrans_preprocess(fx('doc-rot90.png'), '{orient,otsu}'))).*;
-- an empty step list is no preprocessing
SELECT imgtrans_ocr_text(fx('hello.png'), preprocess => '{}') = imgtrans_ocr_text(fx('hello.png')) AS empty_is_none;

-- errors
SELECT imgtrans_preprocess(fx('hello.png'), '{sharpen}');
SELECT imgtrans_ocr_text(fx('hello.png'), preprocess => '{gray,NULL}');
SELECT imgtrans_preprocess(fx('bomb.png'), '{gray}');
SELECT imgtrans_osd(fx('truncated.png'));
SELECT imgtrans_skew(fx('random.bin'));

-- orientation inside OCR uses its own OSD engine: even with a cache of one
-- engine, the language engine in use is not evicted mid-call
SET imgtrans.engine_cache_size = 1;
SELECT imgtrans_ocr_text(fx('doc-rot180.png'), preprocess => '{auto}') = imgtrans_ocr_text(fx('doc.png')) AS cache1_auto_ok;
SELECT cached_languages FROM imgtrans_engine_info();
RESET imgtrans.engine_cache_size;
