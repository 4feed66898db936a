-- Bad arguments and bad images: a clear ERROR with a SQLSTATE, never a crash.

-- each bad input with its SQLSTATE
SELECT what, try(q) AS result FROM (VALUES
  ('empty image',        $$SELECT imgtrans_ocr_text(''::bytea)$$),
  ('random bytes',       $$SELECT * FROM imgtrans_ocr(fx('random.bin'))$$),
  ('text file',          $$SELECT * FROM imgtrans_ocr(fx('notimage.txt'))$$),
  ('truncated png',      $$SELECT imgtrans_ocr_text(fx('truncated.png'))$$),
  ('truncated jpeg',     $$SELECT imgtrans_ocr_text(fx('truncated.jpg'))$$),
  ('jpeg of 150 scans',  $$SELECT imgtrans_ocr_text(fx('scans.jpg'))$$),
  ('unknown language',   $$SELECT imgtrans_ocr_text(fx('hello.png'), 'xyz')$$),
  ('one part unknown',   $$SELECT imgtrans_ocr_text(fx('hello.png'), 'eng+klingon')$$),
  ('path as language',   $$SELECT imgtrans_ocr_text(fx('hello.png'), '../../etc/passwd')$$),
  ('empty language',     $$SELECT imgtrans_ocr_text(fx('hello.png'), '')$$),
  ('empty part',         $$SELECT imgtrans_ocr_text(fx('hello.png'), 'eng+')$$),
  ('unknown level',      $$SELECT * FROM imgtrans_ocr(fx('hello.png'), level => 'words')$$),
  ('psm 0',              $$SELECT imgtrans_ocr_text(fx('hello.png'), psm => 0)$$),
  ('psm 2',              $$SELECT imgtrans_ocr_text(fx('hello.png'), psm => 2)$$),
  ('psm 14',             $$SELECT imgtrans_ocr_text(fx('hello.png'), psm => 14)$$),
  ('unknown variable',   $$SELECT imgtrans_ocr_text(fx('hello.png'), vars => '{"no_such_variable": 1}')$$),
  ('vars array',         $$SELECT imgtrans_ocr_text(fx('hello.png'), vars => '["tessedit_char_whitelist"]')$$),
  ('vars scalar',        $$SELECT imgtrans_ocr_text(fx('hello.png'), vars => '"abc"')$$),
  ('vars nested value',  $$SELECT imgtrans_ocr_text(fx('hello.png'), vars => '{"tessedit_char_whitelist": {"a": 1}}')$$),
  ('vars null value',    $$SELECT imgtrans_ocr_text(fx('hello.png'), vars => '{"tessedit_char_whitelist": null}')$$)
) AS t(what, q);

-- the messages' details and hints, for a few
SELECT imgtrans_ocr_text(fx('truncated.png'));
-- libjpeg decodes every scan of a progressive JPEG over the whole image and
-- cannot be interrupted: more than 100 scans are refused before decoding
-- (scans.jpg, 32 KB); an ordinary progressive JPEG reads as the PNG
SELECT imgtrans_ocr_text(fx('scans.jpg'));
SELECT imgtrans_ocr_text(fx('progressive.jpg')) = imgtrans_ocr_text(fx('hello.png')) AS progressive_reads;
SELECT lang_error($$SELECT imgtrans_ocr_text(fx('hello.png'), 'xyz')$$);
SELECT * FROM imgtrans_ocr(fx('hello.png'), level => 'words');
SELECT imgtrans_ocr_text(fx('hello.png'), psm => 0);
SELECT imgtrans_ocr_text(fx('hello.png'), vars => '{"no_such_variable": 1}');

-- (the variable allow-list, and a failed vars call: sql/ocr_vars.sql)

-- a bad tessdata dir
SET imgtrans.tessdata_dir = '/nonexistent';
SELECT imgtrans_ocr_text(fx('hello.png'), 'spa');
SELECT * FROM imgtrans_languages();
RESET imgtrans.tessdata_dir;

-- after all these errors the backend still works
SELECT rtrim(imgtrans_ocr_text(fx('hello.png')), E'\n') AS still_works;

-- Preprocessing on degenerate and corrupt images: every step either works or
-- fails with a data exception, never 38000.  The dark 1-pixel-high image made
-- "border" crop a row off the top and again off the bottom (a crop of -1 rows
-- that leptonica refused); now it crops at most a quarter of each side.
CREATE TEMP TABLE odd_images(name text, img bytea);
INSERT INTO odd_images VALUES
  ('black 1x1', decode('89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b550000000a49444154789c636000000002000148afa4710000000049454e44ae426082', 'hex')),
  ('black 100x2', decode('89504e470d0a1a0a0000000d49484452000000640000000208000000008b2426cf0000000c49444154789c6360182e000000ca000106a7071e0000000049454e44ae426082', 'hex')),
  ('black 2x2 1-bit', decode('89504e470d0a1a0a0000000d49484452000000020000000201000000005acd30890000000c49444154789c63606060000000040001f61738550000000049454e44ae426082', 'hex')),
  ('1x100, top 60 dark', decode('89504e470d0a1a0a0000000d4948445200000001000000640800000000624705bc0000000f49444154789c63601820f09fba10003ae227d90fb32e4a0000000049454e44ae426082', 'hex')),
  ('truncated png', fx('truncated.png')),
  ('truncated jpeg', fx('truncated.jpg'));
SELECT name, result, string_agg(step, ',' ORDER BY step) AS steps
FROM odd_images,
     unnest('{gray,otsu,sauvola,deskew,orient,scale,denoise,border,invert,rules,auto}'::text[]) AS step,
     try(format('SELECT imgtrans_preprocess(%L::bytea, %L)', img, ARRAY[step])) AS result
GROUP BY name, result ORDER BY name, result;
-- what border leaves: at most a quarter off each side
SELECT name, i.width, i.height
FROM odd_images, imgtrans_image_info(imgtrans_preprocess(img, '{border}')) i
WHERE name NOT LIKE 'truncated%' ORDER BY name;
-- through OCR, as reported: no text, no error
SELECT name, (SELECT count(*) FROM imgtrans_ocr(img, preprocess => '{border}')) AS words,
       try(format('SELECT imgtrans_ocr_text(%L::bytea, preprocess => %L)', img, '{auto}'::text[])) AS auto
FROM odd_images WHERE name NOT LIKE 'truncated%' ORDER BY name;
SELECT imgtrans_ocr_text(fx('truncated.png'), preprocess => '{border}');

-- scale never makes an image larger than the limits it was decoded under: a
-- 200 x 200 page of 5 px specks goes x4, unless that exceeds
-- imgtrans.max_image_pixels (a 6000 x 6000 one made leptonica refuse 2.3 GB)
CREATE TEMP TABLE specks AS SELECT decode('89504e470d0a1a0a0000000d49484452000000c8000000c808000000008833f1420000018849444154789ced95c109c03010c3b2ffd22da57403835523bd94dfe9e39cf370bdfcd94ffb00430c81fbf7fe3d86d0308486213476fe91f601861802f79dd56a1f90c2101a86d0d80969ef7fca0da1b92134df59adf601290ca161088d9d90f6fea7dc109a1b42f39dd56a1f90c2101a86d0d80969ef7fca0da1b92134df59adf601290ca161088d9d90f6fea7dc109a1b42f39dd56a1f90c2101a86d0d80969ef7fca0da1b92134df59adf601290ca161088d9d90f6fea7dc109a1b42f39dd56a1f90c2101a86d0d80969ef7fca0da1b92134df59adf601290ca161088d9d90f6fea7dc109a1b42f39dd56a1f90c2101a86d0d80969ef7fca0da1b92134df59adf601290ca161088d9d90f6fea7dc109a1b42f39dd56a1f90c2101a86d0d80969ef7fca0da1b92134df59adf601290ca161088d9d90f6fea7dc109a1b42f39dd56a1f90c2101a86d0d80969ef7fca0da1b92134df59adf601290ca161088d9d90f6fea7dc109a1b42f39dd56a1f90c2101a86d0d80969ef7fca0da1b92134df59adf6012966426ee43f8e6befe953910000000049454e44ae426082', 'hex') AS img;
SELECT i.width, i.height FROM specks, imgtrans_image_info(imgtrans_preprocess(img, '{scale}')) i;
SET imgtrans.max_image_pixels = 100000;
SELECT i.width, i.height FROM specks, imgtrans_image_info(imgtrans_preprocess(img, '{scale}')) i;
RESET imgtrans.max_image_pixels;
