-- HEIF/HEIC photos (issue 18; fixtures from scripts/make-heif-fixtures.sh):
-- the header is read from the boxes and the limits checked before libheif
-- decodes anything; irot/imir are applied once, as an EXIF orientation is,
-- and never the Exif item as well; every function that decodes takes HEIC.
-- AVIF (AV1 in HEIF) is read by the same code, its sequence header checked
-- as HEVC's SPS is.
\set VERBOSITY default

-- header only: the size as displayed, the orientation irot/imir make
SELECT f, (imgtrans_image_info(fx(f))).*
FROM unnest(ARRAY['hello.heic', 'hello-irot6.heic', 'hello-t5.heic', 'hello-imir4.heic',
                  'hello-grid.heic', 'bomb.heic', 'bomb-thumb.heic', 'bomb-grid.heic',
                  'bomb-sps.heic', 'truncated.heic', 'ru.heic', 'hello.avif',
                  'bomb-av1.avif']) AS f;

-- each reads as the upright line, its word boxes where they are in
-- hello.png (within 3 px: HEVC blurs edges).  hello-irot6.heic also keeps
-- hello-exif6.jpg's Exif Orientation 6: applying it after irot would turn
-- the line on its side.
SELECT f, imgtrans_ocr_text(fx(f)) = imgtrans_ocr_text(fx('hello.png')) AS reads_upright,
       (SELECT count(*) FROM imgtrans_ocr(fx(f)) w JOIN imgtrans_ocr(fx('hello.png')) u USING (text)
        WHERE w.level = 'word' AND abs(w.x - u.x) <= 3 AND abs(w.y - u.y) <= 3
          AND abs(w.width - u.width) <= 3 AND abs(w.height - u.height) <= 3) AS boxes_as_displayed
FROM unnest(ARRAY['hello.heic', 'hello-irot6.heic', 'hello-t5.heic', 'hello-imir4.heic']) AS f;

-- a grid of tiles, as an iPhone writes its photos (2x2, cropped to 1056x180)
SELECT rtrim(imgtrans_ocr_text(fx('hello-grid.heic')), E'\n') AS grid_text;
-- AVIF: AV1 decoded by dav1d through libheif
SELECT rtrim(imgtrans_ocr_text(fx('hello.avif')), E'\n') AS avif_text;

-- every other function that decodes an image
SELECT imgtrans_ocr_hocr(fx('hello-irot6.heic')) LIKE '%>imgtrans<%' AS hocr;
SELECT position('imgtrans' IN imgtrans_ocr_tsv(fx('hello-irot6.heic'))) > 0 AS tsv;
SELECT substr(imgtrans_ocr_pdf(fx('hello-irot6.heic')), 1, 5) = '%PDF-'::bytea AS pdf;
SELECT (imgtrans_image_info(imgtrans_preprocess(fx('hello-irot6.heic'), '{gray}'))).*;
SELECT step, applied, reason FROM imgtrans_preprocess_plan(fx('hello-irot6.heic')) WHERE step = 'exif';
SELECT (imgtrans_image_info(imgtrans_render(fx('hello-t5.heic'),
        '[{"x":10,"y":10,"width":100,"height":40}]'::jsonb, 'boxes'))).*;
-- (as displayed, like hello-exif6.jpg's)
SELECT format, pages, width, height FROM imgtrans_doc_info(fx('hello-irot6.heic'));
SELECT format, pages, width, height FROM imgtrans_doc_info(fx('hello-exif6.jpg'));
SELECT (imgtrans_image_info(imgtrans_page_image(fx('hello-irot6.heic'), 1))).width AS page_width;
SELECT script FROM imgtrans_osd(fx('ru.heic'));
SELECT abs(angle) < 1 AS not_skewed FROM imgtrans_skew(fx('hello.heic'));
\getenv stub IMGTRANS_STUB_URL
SELECT count(*) AS provider_added
FROM (SELECT imgtrans_add_provider('heif_stub', 'libretranslate', :'stub' || '/libre', 'libre-test-key')) s;
SELECT text, translated FROM imgtrans_translate_image(fx('hello-irot6.heic'), 'es', 'en', provider => 'heif_stub');

-- a background job on a HEIC photo: the worker loads imgtrans_heif.so too
SELECT imgtrans_submit(fx('hello-irot6.heic')) AS job \gset
SELECT imgtrans_wait(:job, '2 minutes');
SELECT string_agg(text, ' ' ORDER BY box_no) AS job_words FROM imgtrans.job_boxes
WHERE job_id = :job AND level = 'word';

-- bombs: refused from the header, before libheif is given the bytes
SELECT imgtrans_ocr_text(fx('bomb.heic'));
SELECT imgtrans_ocr_text(fx('bomb-thumb.heic'));
SELECT imgtrans_ocr_text(fx('bomb-grid.heic'));
SELECT try($$SELECT imgtrans_render(fx('bomb.heic'), '[]'::jsonb)$$) AS render,
       try($$SELECT imgtrans_preprocess(fx('bomb-thumb.heic'), '{}')$$) AS preprocess,
       try($$SELECT * FROM imgtrans_translate_image(fx('bomb.heic'), 'es', 'en', provider => 'heif_stub')$$) AS translate;
-- the coded frame: ispe says 528x90, the HEVC SPS in hvcC 16384x16384 (what
-- libde265 would allocate); the same limits and SQLSTATE as an ispe bomb
SELECT imgtrans_ocr_text(fx('bomb-sps.heic'));
SELECT try($$SELECT imgtrans_page_image(fx('bomb-sps.heic'), 1)$$) AS page_image;
-- the same for AV1: ispe says 528x90, the sequence header in the av01
-- item's data (heif-enc leaves av1C without one) 16384x16384, what dav1d
-- would allocate
SELECT imgtrans_ocr_text(fx('bomb-av1.avif'));
SELECT try($$SELECT imgtrans_page_image(fx('bomb-av1.avif'), 1)$$) AS page_image;
SELECT rtrim(imgtrans_ocr_text(fx('hello.avif')), E'\n') AS after_av1_bomb;
-- an honest file codes a little more than ispe (whole 8x8 blocks,
-- cropped): hello.heic is 528x90 = 47520 pixels, coded 528x96 = 50688
SET imgtrans.max_image_pixels = 50000;
SELECT imgtrans_ocr_text(fx('hello.heic'));
RESET imgtrans.max_image_pixels;
-- the SPS taken out of hvcC (its array's type and NAL header made a PPS's):
-- the coded size cannot be checked, so the image is refused
SELECT imgtrans_ocr_text(overlay(overlay(fx('hello.heic') PLACING '\x22'::bytea FROM 232)
                                 PLACING '\x44'::bytea FROM 237));
-- the backend decodes HEIC as before
SELECT rtrim(imgtrans_ocr_text(fx('hello.heic')), E'\n') AS after_sps_bomb;
-- the limits are settings, for HEIC as for the rest
SET imgtrans.max_image_pixels = 1000;
SELECT imgtrans_ocr_text(fx('hello.heic'));
RESET imgtrans.max_image_pixels;
SET imgtrans.max_image_bytes = 1000;
SELECT imgtrans_ocr_text(fx('hello.heic'));
RESET imgtrans.max_image_bytes;

-- bad input: a clear error, never a crash
SELECT imgtrans_ocr_text(fx('truncated.heic'));
-- the coded image damaged (the middle of mdat zeroed)
SELECT try($$SELECT imgtrans_ocr_text(overlay(fx('hello.heic') PLACING decode(repeat('00', 2000), 'hex') FROM 2000))$$) AS damaged;
-- boxes that claim more bytes than there are, or none of what is needed
SELECT imgtrans_image_info(substr(fx('hello.heic'), 1, 40));
SELECT imgtrans_image_info(overlay(fx('hello.heic') PLACING '\x7fffffff'::bytea FROM 29));
SELECT imgtrans_image_info(overlay(fx('hello.heic') PLACING 'free'::bytea FROM 33));
SELECT imgtrans_image_info(overlay(fx('hello.heic') PLACING 'xxxx'::bytea FROM 293));
-- a 'ftyp' of another brand is not HEIF
SELECT imgtrans_image_info(overlay(fx('hello.heic') PLACING 'qt  '::bytea FROM 9));
-- 300 damaged copies of hello.heic (4 random bytes at a random place, a
-- fixed seed; half of them in the boxes before mdat): each decodes or is an
-- ERROR with a SQLSTATE, and the backend survives every one
SELECT setseed(0.18);
CREATE TEMP TABLE damaged AS
SELECT i, overlay(fx('hello.heic') PLACING decode(lpad(to_hex((random() * 4294967295)::bigint), 8, '0'), 'hex')
                  FROM 1 + (random() * CASE WHEN i % 2 = 0 THEN 340 ELSE 7028 END)::int) AS img
FROM generate_series(1, 300) i;
SELECT left(r, 5) AS outcome, count(*)
FROM (SELECT try(format('SELECT imgtrans_page_image(%L::bytea, 1)', img)) AS r FROM damaged) s
GROUP BY 1 ORDER BY 1;
-- after all of these the backend still decodes HEIC
SELECT rtrim(imgtrans_ocr_text(fx('hello.heic')), E'\n') AS still_works;

-- an ordinary role (no file access: the bytes are handed to it) gets the
-- same refusals from the coded size, and reads the AVIF
CREATE ROLE imgtrans_heif_user;
CREATE TEMP TABLE heif_role_fx AS
SELECT f, fx(f) AS img FROM unnest(ARRAY['bomb-sps.heic', 'bomb-av1.avif', 'hello.avif']) AS f
UNION ALL
SELECT 'hello.heic, SPS relabelled', overlay(overlay(fx('hello.heic') PLACING '\x22'::bytea FROM 232)
                                             PLACING '\x44'::bytea FROM 237);
GRANT SELECT ON heif_role_fx TO imgtrans_heif_user;
SET ROLE imgtrans_heif_user;
SELECT f, try(format('SELECT imgtrans_ocr_text(%L::bytea)', img)) AS ocr,
       try(format('SELECT imgtrans_image_info(%L::bytea)', img)) AS info
FROM heif_role_fx ORDER BY f;
SELECT rtrim(imgtrans_ocr_text(img), E'\n') AS avif_as_ordinary_role FROM heif_role_fx WHERE f = 'hello.avif';
RESET ROLE;
DROP TABLE heif_role_fx;
DROP ROLE imgtrans_heif_user;
