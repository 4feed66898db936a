-- What preprocess => '{auto}' decides, and why: imgtrans_preprocess_plan,
-- pinned on fixtures that stand for each way auto used to hurt pages it was
-- not tuned on (scripts/make-accuracy-fixtures.py says how each is made).
SELECT ord, step, applied FROM imgtrans_preprocess_plan(fx('doc.png'));
-- a clean upright page passes unchanged: the same image, the same text
SELECT imgtrans_preprocess(fx('doc.png'), '{auto}') = imgtrans_preprocess(fx('doc.png'), '{}') AS doc_unchanged;

-- one scanned line full of tall thin strokes ([l|1] brackets): glyphs are a
-- quarter of the image tall (they used to be dropped as "too big", leaving
-- the dots, so the line was scaled x4), one line is too few for a skew
-- estimate, and no stroke is taken for a rule
SELECT step, applied, measurements FROM imgtrans_preprocess_plan(fx('auto-line.png')) WHERE step <> 'orient';
SELECT imgtrans_preprocess(fx('auto-line.png'), '{auto}') = imgtrans_preprocess(fx('auto-line.png'), '{}') AS line_unchanged;

-- a 600-dpi scan of 5.3 megapixels: measured on a reduced copy, its 80 px
-- glyphs brought down to 32 px (OCR is faster, and reads as well: no more
-- words that doc.png does not have; the file's 600 dpi scaled with it)
SELECT step, applied, measurements FROM imgtrans_preprocess_plan(fx('auto-600dpi.png')) WHERE step IN ('measure', 'scale');
SELECT (imgtrans_image_info(imgtrans_preprocess(fx('auto-600dpi.png'), '{auto}'))).*;
SELECT cfg, (SELECT count(*) FROM regexp_split_to_table(btrim(imgtrans_ocr_text(fx('auto-600dpi.png'), preprocess => cfg)), '\s+') AS w
             WHERE w NOT IN (SELECT regexp_split_to_table(imgtrans_ocr_text(fx('doc.png')), '\s+'))) AS words_not_in_doc
FROM (VALUES (NULL::text[]), ('{auto}')) AS t(cfg);

-- a phone photo of a receipt on a dark table: mostly dark, but not
-- inverted; no border cropped; paper edges and separators are long thin
-- runs but no box (no corners where rules meet), so nothing is painted.
-- Its paper's level varies (a photo), so flattening is a trial when
-- recognising, and is all that imgtrans_preprocess shows of auto
SELECT step, applied, measurements FROM imgtrans_preprocess_plan(fx('auto-photo.jpg')) WHERE step IN ('deskew', 'scale', 'rules');
SELECT imgtrans_preprocess(fx('auto-photo.jpg'), '{auto}') = imgtrans_preprocess(fx('auto-photo.jpg'), '{flatten}') AS photo_only_flattened;
-- and when recognising, the flattened reading wins: it reads the totals
-- that the photo's darker lower half hid (words of the receipt found)
SELECT cfg, (SELECT count(*) FROM regexp_split_to_table(imgtrans_ocr_text(fx('auto-photo.jpg'), preprocess => cfg), '\s+') w
             WHERE w = ANY ('{CORNER,STORE,12,MAIN,STREET,MILK,2L,BREAD,APPLES,1KG,COFFEE,BEANS,TOTAL,CASH,CHANGE,THANK,YOU}')) AS receipt_words
FROM (VALUES (NULL::text[]), ('{auto}')) AS t(cfg);

-- Fraktur-like: long s and brackets in a ruled box.  Their strokes are over
-- twice the median glyph height, so rules must be longer than 1.5 times the
-- tallest glyphs: the box is painted over, every letter stays
SELECT step, applied, measurements FROM imgtrans_preprocess_plan(fx('auto-fraktur.png')) WHERE step IN ('measure', 'rules');
SELECT m.tall * 1.5 > m.glyph * 2 AS tall_strokes_beyond_two_glyphs
FROM (SELECT (measurements->>'glyph_height')::real AS glyph, (measurements->>'tall_glyph_height')::real AS tall
      FROM imgtrans_preprocess_plan(fx('auto-fraktur.png')) WHERE step = 'measure') m;
SELECT btrim(regexp_replace(imgtrans_ocr_text(fx('auto-fraktur.png'), preprocess => '{auto}'), '\s+', ' ', 'g')) =
       btrim(regexp_replace(imgtrans_ocr_text(fx('auto-fraktur.png')), '\s+', ' ', 'g')) AS same_letters;

-- skewed pages are still turned back, on a canvas that holds the whole page;
-- a form's ruled box is still painted over
SELECT f, step, applied, measurements->'skew_degrees' AS skew, measurements->'text_lines' AS lines
FROM unnest(ARRAY['doc-skew5.png', 'cheque-skew7.png']) AS f, imgtrans_preprocess_plan(fx(f))
WHERE step = 'deskew';
SELECT step, applied, measurements->'corners' AS corners FROM imgtrans_preprocess_plan(fx('cheque-skew7.png')) WHERE step = 'rules';
SELECT (imgtrans_image_info(imgtrans_preprocess(fx('doc-skew5.png'), '{auto}'))).width > 1072 AS canvas_grown;

-- orientation is decided when recognising; the plan says how
SELECT reason FROM imgtrans_preprocess_plan(fx('doc-rot180.png')) WHERE step = 'orient';

-- small type: the up-scale is a trial decided when recognising, never a
-- rule.  The same 8 px measurement reads better scaled on one form and
-- worse on the next (tesseract's layout analysis groups the page
-- differently), so the page is read as it came, then scaled by the
-- smallest whole factor that brings its glyphs to 16 px on a second engine,
-- and the scaled reading is kept only if it reads over 5 % more characters
-- in words of confidence >= 70.  DEBUG1 says what was tried and what was kept.
SELECT step, applied, measurements->'glyph_height' AS glyph, measurements->'candidate_factor' AS factor
FROM imgtrans_preprocess_plan(fx('doc-small.png')) WHERE step = 'scale';
SET client_min_messages = debug1;
SELECT imgtrans_ocr_text(fx('doc-small.png'), preprocess => '{auto}') = imgtrans_ocr_text(fx('doc.png')) AS small_reads_as_doc;
-- a turn is a trial too: the page read upside down is read once, turned once
SELECT imgtrans_ocr_text(fx('doc-rot180.png'), preprocess => '{auto}') = imgtrans_ocr_text(fx('doc.png')) AS turned_reads_as_doc;
-- a texture where tesseract finds no word: its paper varies like a photo's,
-- so it is read once more flattened, and that reading is dropped
SELECT imgtrans_ocr_text(fx('auto-texture.jpg'), preprocess => '{auto}') IS NOT DISTINCT FROM
       imgtrans_ocr_text(fx('auto-texture.jpg')) AS texture_as_without;
RESET client_min_messages;
-- the kept trial's boxes come back in the small image's coordinates
SELECT text, x, y, width, height FROM imgtrans_ocr(fx('doc-small.png'), preprocess => '{auto}') WHERE text = 'house';

-- the texture measures as 5 px glyphs with runs that meet at corners, but
-- its paper level varies like a photo's: no rules painted
SELECT step, applied, measurements FROM imgtrans_preprocess_plan(fx('auto-texture.jpg')) WHERE step IN ('scale', 'rules');

-- light text on black is measured on its light ink: the same glyphs as the
-- positive, so no scaled second pass for a page that reads perfectly
SELECT f, measurements->'glyph_height' AS glyph, measurements->'light_on_dark' AS light_on_dark
FROM unnest(ARRAY['doc.png', 'auto-negative.png']) AS f, imgtrans_preprocess_plan(fx(f)) WHERE step = 'measure';
SELECT f, measurements ? 'candidate_factor' AS scale_trial
FROM unnest(ARRAY['doc.png', 'auto-negative.png']) AS f, imgtrans_preprocess_plan(fx(f)) WHERE step = 'scale';

-- a page under a lamp (light falling off to 15 % at the corners): the
-- paper's level varies by more than 64 gray levels, so auto reads the page
-- again with the paper flattened and keeps that reading only if it reads
-- more confident characters.  It does: every word of doc.png, where plain
-- OCR loses those in the shadow.  An evenly lit page is never flattened.
SELECT f, step, applied, (measurements->>'paper_spread')::int > 64 AS uneven, measurements ? 'trial' AS trial
FROM unnest(ARRAY['doc.png', 'auto-shadow.png']) AS f, imgtrans_preprocess_plan(fx(f)) WHERE step = 'flatten';
SET client_min_messages = debug1;
SELECT imgtrans_ocr_text(fx('auto-shadow.png'), preprocess => '{auto}') = imgtrans_ocr_text(fx('doc.png')) AS shadow_reads_as_doc;
RESET client_min_messages;
SELECT imgtrans_ocr_text(fx('auto-shadow.png')) = imgtrans_ocr_text(fx('doc.png')) AS shadow_plain_reads_as_doc;
-- the explicit step, and what imgtrans_preprocess(auto) shows: the flattened page
SELECT (imgtrans_image_info(imgtrans_preprocess(fx('auto-shadow.png'), '{flatten}'))).depth,
       imgtrans_preprocess(fx('auto-shadow.png'), '{flatten}') = imgtrans_preprocess(fx('auto-shadow.png'), '{auto}') AS auto_candidate;

-- flatten, explicit and in auto, as an ordinary role (the bytes handed to it)
CREATE ROLE imgtrans_flatten_user;
CREATE TEMP TABLE flatten_fx AS SELECT fx('auto-shadow.png') AS img, fx('doc.png') AS doc;
GRANT SELECT ON flatten_fx TO imgtrans_flatten_user;
SET ROLE imgtrans_flatten_user;
SELECT imgtrans_preprocess(img, '{flatten}') = imgtrans_preprocess(img, '{auto}') AS auto_candidate,
       imgtrans_ocr_text(img, preprocess => '{auto}') = imgtrans_ocr_text(doc) AS shadow_reads_as_doc
FROM flatten_fx;
RESET ROLE;
DROP TABLE flatten_fx;
DROP ROLE imgtrans_flatten_user;

-- a page in a script that the call's language is not written in (a Fraktur
-- page read with eng, issue 17): its first reading is poor (mean word
-- confidence < 70), so OSD runs; it names the script, and the page is read
-- again with tesseract's model of that script (tesseract-ocr-script-frak),
-- kept only because it reads with a higher mean confidence and over 5 %
-- more sure characters.  eng reads the long s as f ("feiner"); Fraktur
-- reads "ſeiner".  DEBUG1 says what was tried and kept.
SELECT step, applied, reason FROM imgtrans_preprocess_plan(fx('fraktur.png')) WHERE step = 'script';
SELECT imgtrans_ocr_text(fx('fraktur.png')) ~ '\mfeiner\M' AS eng_reads_f;
SET client_min_messages = debug1;
SELECT imgtrans_ocr_text(fx('fraktur.png'), preprocess => '{auto}');
-- no model of Cyrillic script is installed: the one installed language
-- written in it (rus) reads a Russian page passed as eng
SELECT imgtrans_ocr_text(fx('ru.png'), preprocess => '{auto}') = imgtrans_ocr_text(fx('ru.png'), 'rus') AS ru_reads_as_rus;
-- no model of Latin script either: a Latin page passed as rus is read with
-- the installed Latin languages together
SELECT imgtrans_ocr_text(fx('doc.png'), 'rus', preprocess => '{auto}') = imgtrans_ocr_text(fx('doc.png'), 'eng+spa') AS doc_reads_as_latin;
-- imgtrans.auto_languages narrows what auto may read with: nothing there
-- is Cyrillic, so the page stays as eng read it
SET imgtrans.auto_languages = 'eng+spa';
SELECT imgtrans_ocr_text(fx('ru.png'), preprocess => '{auto}') = imgtrans_ocr_text(fx('ru.png')) AS ru_stays_eng;
RESET imgtrans.auto_languages;
-- a page read in its own script reads surely: no OSD, no trial
SELECT imgtrans_ocr_text(fx('ru.png'), 'rus', preprocess => '{auto}') = imgtrans_ocr_text(fx('ru.png'), 'rus') AS ru_as_rus;
-- one OSD, two trials: a Fraktur page stored upside down and passed as eng
-- is turned (kept: surer), then read in the Fraktur model (kept), and reads
-- as the upright page does
SELECT imgtrans_ocr_text(fx('fraktur-rot180.png'), preprocess => '{auto}') =
       imgtrans_ocr_text(fx('fraktur.png'), preprocess => '{auto}') AS turned_reads_as_upright;
-- a document: the model auto kept for a page is where the next page's
-- reading starts, so a Fraktur book passed as eng pays for OSD and the
-- second model once (one trial on page 1, none on page 2), and both pages
-- read as fraktur.png does
SELECT page_num, count(*) FILTER (WHERE text LIKE '%ſ%') AS long_s_words
FROM imgtrans_ocr(fx('fraktur2.tif'), preprocess => '{auto}') GROUP BY page_num ORDER BY page_num;
RESET client_min_messages;
-- the kept reading's boxes: ſ in the words, where the page has it
SELECT text, x, y FROM imgtrans_ocr(fx('fraktur.png'), preprocess => '{auto}') WHERE text LIKE '%ſ%' ORDER BY y, x LIMIT 3;
