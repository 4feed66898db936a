-- EXIF orientation: hello.png stored turned or mirrored, with the
-- Orientation tag that shows it upright again (scripts/make-accuracy-fixtures.py):
-- all eight values in JPEG (APP1 Exif), and TIFF (IFD0 tag), PNG (eXIf
-- chunk) and WebP (EXIF chunk).  Every function sees the image as a browser
-- shows it: imgtrans_image_info reports the tag and the displayed size.
SELECT f, (imgtrans_image_info(fx(f))).*
FROM unnest(ARRAY['hello.png', 'hello-exif1.jpg', 'hello-exif2.jpg', 'hello-exif3.jpg',
                  'hello-exif4.jpg', 'hello-exif5.jpg', 'hello-exif6.jpg', 'hello-exif7.jpg',
                  'hello-exif8.jpg', 'hello-exif6.tif', 'hello-exif7.tif', 'hello-exif8.png', 'hello-exif5.webp']) AS f;
-- each reads as the upright line, and its word boxes are where they are in
-- hello.png, as displayed (within 2 px: JPEG blurs edges)
SELECT f, imgtrans_ocr_text(fx(f)) = imgtrans_ocr_text(fx('hello.png')) AS reads_upright,
       (SELECT count(*) FROM imgtrans_ocr(fx(f)) w JOIN imgtrans_ocr(fx('hello.png')) u USING (text)
        WHERE abs(w.x - u.x) <= 2 AND abs(w.y - u.y) <= 2
          AND abs(w.width - u.width) <= 2 AND abs(w.height - u.height) <= 2) AS boxes_as_displayed
FROM unnest(ARRAY['hello-exif1.jpg', 'hello-exif2.jpg', 'hello-exif3.jpg', 'hello-exif4.jpg',
                  'hello-exif5.jpg', 'hello-exif6.jpg', 'hello-exif7.jpg', 'hello-exif8.jpg',
                  'hello-exif6.tif', 'hello-exif7.tif', 'hello-exif8.png', 'hello-exif5.webp']) AS f;
-- no OSD pass is needed for it: without preprocessing, one pass
SELECT imgtrans_ocr_text(fx('hello-exif6.jpg')) AS exif6_text;
-- the preprocessed and the rendered image are upright too: the displayed size
SELECT (imgtrans_image_info(imgtrans_preprocess(fx('hello-exif6.jpg'), '{}'))).*;
SELECT (imgtrans_image_info(imgtrans_render(fx('hello-exif8.png'),
        '[{"x":10,"y":10,"width":100,"height":40}]'::jsonb, 'boxes'))).*;
-- the plan says so
SELECT step, applied, reason, measurements FROM imgtrans_preprocess_plan(fx('hello-exif6.jpg')) WHERE step = 'exif';
-- an Orientation value outside 1..8 is ignored: shown as stored (90 x 528)
SELECT (imgtrans_image_info(set_byte(fx('hello-exif6.jpg'), 31, 9))).*;
-- that is the tag at work: the same pixels without it do not read
SELECT imgtrans_ocr_text(set_byte(fx('hello-exif6.jpg'), 31, 9)) = imgtrans_ocr_text(fx('hello.png')) AS untagged_reads_upright;
