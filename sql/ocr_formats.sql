-- The same line of text in every image format leptonica reads here.
SELECT f, (imgtrans_image_info(fx(f))).format,
       rtrim(imgtrans_ocr_text(fx(f)), E'\n') AS text
FROM unnest(ARRAY['hello.png', 'hello.jpg', 'hello.tif', 'hello.webp', 'hello.gif',
                  'hello.bmp', 'hello.pnm']) AS f;
-- a page rotated by 90 degrees still reads with psm 3 (tesseract finds the
-- vertical lines); 180 and 270 need orientation detection (issue 7)
SELECT left(imgtrans_ocr_text(fx('doc-rot90.png')), 17) AS rot90;
