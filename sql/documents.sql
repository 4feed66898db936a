-- Documents: PDFs (born-digital, scanned, mixed) and multi-page TIFFs as
-- pages.  Fixtures from scripts/make-doc-fixtures.sh.

-- one row per page: size in pixels at the resolution, in points, text layer
SELECT * FROM imgtrans_doc_info(fx('born.pdf'));
SELECT * FROM imgtrans_doc_info(fx('mixed.pdf'));
SELECT * FROM imgtrans_doc_info(fx('scan.pdf'));
SELECT * FROM imgtrans_doc_info(fx('pages.tif'));
-- an ordinary image is a document of one page; a TIFF of one page too
SELECT * FROM imgtrans_doc_info(fx('hello.png'));
SELECT * FROM imgtrans_doc_info(fx('hello.tif'));
SELECT format, pages, width, height, dpi, width_pt FROM imgtrans_doc_info(fx('hello.jpg'));
-- the resolution: per call, else imgtrans.pdf_dpi; TIFFs keep their own pixels
SELECT page, width, height, dpi FROM imgtrans_doc_info(fx('born.pdf'), 72);
SET imgtrans.pdf_dpi = 150;
SELECT page, width, height, dpi FROM imgtrans_doc_info(fx('born.pdf'));
SELECT page, width, height, dpi FROM imgtrans_doc_info(fx('pages.tif'), 72);
RESET imgtrans.pdf_dpi;
-- the bomb page is described (nothing is allocated), only rasterising it is refused
SELECT * FROM imgtrans_doc_info(fx('bomb-page.pdf'));
SELECT count(*) AS null_doc_rows FROM imgtrans_doc_info(NULL);

-- a page as a PNG at the resolution asked for, which it records
SELECT p, (imgtrans_image_info(imgtrans_page_image(fx('born.pdf'), p))).*
FROM generate_series(1, 2) p;
SELECT (imgtrans_image_info(imgtrans_page_image(fx('mixed.pdf'), 2, 150))).*;
SELECT p, (imgtrans_image_info(imgtrans_page_image(fx('pages.tif'), p))).*
FROM generate_series(1, 3) p;
SELECT (imgtrans_image_info(imgtrans_page_image(fx('hello.png'), 1))).*;
SELECT imgtrans_page_image(fx('born.pdf'), NULL) IS NULL AS null_page;
-- deterministic
SELECT imgtrans_page_image(fx('mixed.pdf'), 2) = imgtrans_page_image(fx('mixed.pdf'), 2) AS same_bytes;
-- what the pages show: the born-digital text, the scans that went into the PDF and the TIFF
SELECT imgtrans_ocr_text(imgtrans_page_image(fx('born.pdf'), 1));
-- (tesseract reads "Jane" or "J ane" depending on what the backend's
-- engine recognised before: either is accepted)
SELECT regexp_replace(imgtrans_ocr_text(imgtrans_page_image(fx('born.pdf'), 2)), '\s+', ' ', 'g') ~ 'Pay to the order of J ?ane Doe' AS page2_reads;
SELECT imgtrans_ocr_text(imgtrans_page_image(fx('scan.pdf'), 1)) = imgtrans_ocr_text(fx('hello.png')) AS scan_p1,
       imgtrans_ocr_text(imgtrans_page_image(fx('scan.pdf'), 2)) = imgtrans_ocr_text(fx('doc.png')) AS scan_p2,
       imgtrans_ocr_text(imgtrans_page_image(fx('mixed.pdf'), 2)) = imgtrans_ocr_text(fx('doc.png')) AS mixed_p2,
       imgtrans_ocr_text(imgtrans_page_image(fx('pages.tif'), 3)) = imgtrans_ocr_text(fx('cheque.png')) AS tiff_p3;
-- a TIFF page decodes to exactly the image it was made from
SELECT imgtrans_page_image(fx('pages.tif'), 2) = imgtrans_page_image(fx('doc.png'), 1) AS tiff_p2_pixels;
