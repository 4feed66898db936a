-- imgtrans_image_info and the decode limits: headers only, bad input, bombs.
\set VERBOSITY default

SELECT f, (imgtrans_image_info(fx(f))).*
FROM unnest(ARRAY['hello.png', 'hello.jpg', 'hello.tif', 'hello.webp', 'hello.gif',
                  'hello.bmp', 'hello.pnm', 'tiny.png', 'doc.png']) AS f;

-- decompression bombs: the header is read, pixels are not
SELECT f, (imgtrans_image_info(fx(f))).*
FROM unnest(ARRAY['bomb.png', 'bomb.jpg', 'bomb.tif', 'bomb.gif', 'bomb.bmp', 'bomb.pnm',
                  'bomb-vp8l.webp', 'huge-side.png']) AS f;

-- header arithmetic at the ends of the fields' ranges, on PNGs built here
-- (signature, IHDR, pHYs; header reads do not check CRCs): 20,000,000 px/m
-- is 508,000 dpi (a 32-bit product wrapped to 78,503), and 2^32-1 x 2^32-1
-- is too many pixels (the product overflowed 64 bits before the check)
CREATE TEMP TABLE extreme_png AS
SELECT name, decode('89504e470d0a1a0a0000000d49484452' || ihdr || '0800000000' || '00000000' ||
                    '0000000970485973' || phys || phys || '01' || '00000000', 'hex') AS img
FROM (VALUES ('pHYs 20000000', '0000006400000064', '01312d00'),
             ('pHYs 2^32-1', '0000006400000064', 'ffffffff'),
             ('2^32-1 x 2^32-1', 'ffffffffffffffff', '00002e23')) AS t(name, ihdr, phys);
SELECT name, (imgtrans_image_info(img)).* FROM extreme_png;
SELECT imgtrans_ocr_text(img) FROM extreme_png WHERE name = '2^32-1 x 2^32-1';
SELECT imgtrans_preprocess(img, '{}') FROM extreme_png WHERE name = '2^32-1 x 2^32-1';

-- NULL in, NULL out
SELECT imgtrans_image_info(NULL) IS NULL AS null_in_null_out;

-- bad input: a clear error, never a crash
SELECT imgtrans_image_info(''::bytea);
SELECT imgtrans_image_info(fx('random.bin'));
SELECT imgtrans_image_info(fx('notimage.txt'));
SELECT imgtrans_image_info('\x89504e470d0a1a0a0000'::bytea);
SELECT imgtrans_image_info(fx('bomb.webp'));

-- a bomb in each format is refused by OCR before any pixel is decoded
DO $$
DECLARE
  f text;
  msg text;
  state text;
BEGIN
  FOREACH f IN ARRAY ARRAY['bomb.png', 'bomb.jpg', 'bomb.tif', 'bomb.gif', 'bomb.bmp',
                           'bomb.pnm', 'bomb-vp8l.webp']
  LOOP
    BEGIN
      PERFORM imgtrans_ocr_text(fx(f));
      RAISE EXCEPTION '% was decoded', f;
    EXCEPTION WHEN program_limit_exceeded THEN
      GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, state = RETURNED_SQLSTATE;
      RAISE NOTICE '%: % %', f, state, msg;
    END;
  END LOOP;
END $$;
SELECT imgtrans_ocr_text(fx('bomb.png'));
SELECT imgtrans_ocr_text(fx('huge-side.png'));
SELECT imgtrans_ocr_text(fx('bomb.webp'));

-- the limits are settings; a small limit refuses a small image
SET imgtrans.max_image_pixels = 1000;
SELECT imgtrans_ocr_text(fx('hello.png'));
RESET imgtrans.max_image_pixels;
SET imgtrans.max_image_bytes = 100;
SELECT imgtrans_ocr_text(fx('hello.png'));
SELECT imgtrans_image_info(fx('hello.png'));
RESET imgtrans.max_image_bytes;

-- only superusers may change the limits
CREATE ROLE imgtrans_test_user;
SET ROLE imgtrans_test_user;
SET imgtrans.max_image_pixels = 100000000;
SET imgtrans.tessdata_dir = '/tmp';
SET imgtrans.ocr_threads = 4;
RESET ROLE;
DROP ROLE imgtrans_test_user;
