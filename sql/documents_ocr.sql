-- OCR of documents: every page of a PDF or multi-page TIFF, or the pages
-- asked for; box rows carry page_num; text outputs separate pages as the
-- tesseract CLI does.  test/t/documents_cli.sh compares text, TSV and hOCR
-- with the CLI byte for byte.

-- box rows: page_num is the document's page; numbering restarts on each page
SELECT page_num, level, block_num, par_num, line_num, word_num, x, y, width, height, text
FROM imgtrans_ocr(fx('scan.pdf'), level => 'all')
WHERE level IN ('page', 'block', 'line');
SELECT page_num, count(*) AS words,
       string_agg(text, ' ') FILTER (WHERE block_num = 1 AND line_num = 1) AS first_line
FROM imgtrans_ocr(fx('pages.tif')) WHERE btrim(text) <> '' GROUP BY 1 ORDER BY 1;
-- an image is page 1, and its rows are those of before (plus page_num)
SELECT count(*) AS rows, min(page_num) AS min_page, max(page_num) AS max_page FROM imgtrans_ocr(fx('doc.png'), level => 'all');
-- the pages asked for, in the order asked for
SELECT page_num, x, y, width, height FROM imgtrans_ocr(fx('pages.tif'), level => 'page', pages => '{3,1}');
SELECT count(*) AS rows FROM imgtrans_ocr(fx('hello.png'), pages => '{1}');
-- a page that is only an image inside a PDF is OCRed, not reported empty
SELECT page_num, count(*) AS words FROM imgtrans_ocr(fx('mixed.pdf')) GROUP BY 1 ORDER BY 1;
-- the same page at another resolution: boxes scale with it
SELECT page_num, x, y, width, height, text FROM imgtrans_ocr(fx('scan.pdf'), pages => '{1}', dpi => 150);

-- text: a form feed between pages, as "tesseract FILE -" prints a multi-page TIFF
SELECT imgtrans_ocr_text(fx('scan.pdf'));
SELECT array_length(string_to_array(imgtrans_ocr_text(fx('pages.tif')), E'\f'), 1) AS text_pages,
       imgtrans_ocr_text(fx('pages.tif'), pages => '{2}') = imgtrans_ocr_text(fx('doc.png')) AS page2_is_doc,
       imgtrans_ocr_text(fx('scan.pdf')) = imgtrans_ocr_text(fx('pages.tif'), pages => '{1,2}') AS pdf_equals_tiff;
-- hOCR: one ocr_page per page, numbered with the document's pages; ALTO: one Page per page
SELECT (xpath('//x:div[@class="ocr_page"]/@id', imgtrans_ocr_hocr(fx('pages.tif'), pages => '{1,3}')::xml,
              ARRAY[ARRAY['x', 'http://www.w3.org/1999/xhtml']]))::text[] AS hocr_pages;
SELECT array_length(xpath('//a:Page', imgtrans_ocr_alto(fx('pages.tif'))::xml,
              ARRAY[ARRAY['a', 'http://www.loc.gov/standards/alto/ns-v3#']]), 1) AS alto_pages;
-- TSV: one header, page_num the document's page
SELECT split_part(l, E'\t', 2) AS page_num, count(*) AS tsv_rows
FROM unnest(string_to_array(rtrim(imgtrans_ocr_tsv(fx('scan.pdf'), pages => '{2,1}'), E'\n'), E'\n')) l
GROUP BY 1 ORDER BY 1;

-- bad pages: an ERROR before any OCR, and the backend goes on working
SELECT what, try(q) AS result FROM (VALUES
  ('page 4 of 3',     $$SELECT * FROM imgtrans_ocr(fx('pages.tif'), pages => '{1,4}')$$),
  ('page 0',          $$SELECT imgtrans_ocr_text(fx('scan.pdf'), pages => '{0}')$$),
  ('page 2 of image', $$SELECT imgtrans_ocr_text(fx('hello.png'), pages => '{2}')$$),
  ('twice',           $$SELECT imgtrans_ocr_tsv(fx('scan.pdf'), pages => '{1,1}')$$),
  ('NULL page',       $$SELECT imgtrans_ocr_hocr(fx('scan.pdf'), pages => '{1,NULL}')$$),
  ('empty',           $$SELECT imgtrans_ocr_alto(fx('scan.pdf'), pages => '{}')$$),
  ('2-D',             $$SELECT imgtrans_ocr_text(fx('scan.pdf'), pages => '{{1},{2}}')$$),
  ('dpi 10',          $$SELECT imgtrans_ocr_text(fx('scan.pdf'), dpi => 10)$$),
  ('bomb page',       $$SELECT imgtrans_ocr_text(fx('bomb-page.pdf'))$$),
  ('encrypted',       $$SELECT * FROM imgtrans_ocr(fx('encrypted.pdf'))$$),
  ('truncated tiff',  $$SELECT * FROM imgtrans_ocr(fx('truncated.tif'))$$)
) AS t(what, q);
SET imgtrans.max_pages = 2;
SELECT try($$SELECT imgtrans_ocr_text(fx('pages.tif'))$$) AS over_max_pages;
RESET imgtrans.max_pages;
-- statement_timeout stops a document between (and inside) pages
SET statement_timeout = '200ms';
SELECT imgtrans_ocr_text(fx('pages.tif'));
RESET statement_timeout;
SELECT imgtrans_ocr_text(fx('pages.tif'), pages => '{1}') AS after_errors;

-- born-digital pages: words straight from the PDF's text layer (confidence 100),
-- in the pixels of the rasterised page, numbered as tesseract's TSV would
SELECT page_num, level, block_num, par_num, line_num, word_num, x, y, width, height, conf, text
FROM imgtrans_ocr(fx('born.pdf'), level => 'all', text_source => 'pdf')
WHERE level <> 'word' OR word_num <= 2;
-- the words are the document's source text
SELECT string_agg(text, ' ' ORDER BY page_num, block_num, line_num, word_num)
       = btrim(regexp_replace(convert_from(fx('born.gt.txt'), 'UTF8'), '\s+', ' ', 'g')) AS words_are_source
FROM imgtrans_ocr(fx('born.pdf'), text_source => 'pdf');
-- the same words where OCR finds them: each PDF box overlaps its OCR box
SELECT count(*) AS words, count(*) FILTER (WHERE o.bbox && p.bbox) AS boxes_overlap
FROM imgtrans_ocr(fx('born.pdf'), pages => '{1}') o
JOIN imgtrans_ocr(fx('born.pdf'), pages => '{1}', text_source => 'pdf') p USING (block_num, line_num, word_num, text);
-- and they scale with dpi like OCR boxes do
SELECT x, y, width, height FROM imgtrans_ocr(fx('born.pdf'), pages => '{2}', dpi => 150, text_source => 'pdf') WHERE word_num = 1;
-- mixed: 'auto' takes page 1 from its text layer and OCRs the image-only page 2;
-- 'pdf' gives page 2 only its page row; 'ocr' recognises both
SELECT ts, page_num, count(*) FILTER (WHERE level = 'word') AS words, min(conf) = 100 AS conf_100
FROM unnest(ARRAY['auto', 'pdf', 'ocr']) ts, imgtrans_ocr(fx('mixed.pdf'), level => 'all', text_source => ts)
GROUP BY 1, 2 ORDER BY 1, 2;
SELECT what, try(q) AS result FROM (VALUES
  ('unknown source',  $$SELECT * FROM imgtrans_ocr(fx('born.pdf'), text_source => 'text')$$),
  ('pdf of an image', $$SELECT * FROM imgtrans_ocr(fx('hello.png'), text_source => 'pdf')$$),
  ('pdf of a tiff',   $$SELECT * FROM imgtrans_ocr(fx('pages.tif'), text_source => 'pdf')$$)
) AS t(what, q);
-- 'auto' on images and TIFFs is OCR
SELECT count(*) AS rows FROM imgtrans_ocr(fx('hello.png'), text_source => 'auto');

-- text_source on the text and TSV outputs: the text layer laid out as tesseract lays out text
SELECT imgtrans_ocr_text(fx('born.pdf'), text_source => 'pdf');
SELECT regexp_replace(imgtrans_ocr_text(fx('born.pdf'), text_source => 'pdf'), '\s+', ' ', 'g')
       = regexp_replace(convert_from(fx('born.gt.txt'), 'UTF8'), '\s+', ' ', 'g') AS text_is_source,
       imgtrans_ocr_text(fx('born.pdf'), text_source => 'auto') = imgtrans_ocr_text(fx('born.pdf'), text_source => 'pdf') AS auto_is_pdf;
-- mixed: page 1 from its text layer, page 2 OCRed (equal to OCR of that page alone)
SELECT split_part(imgtrans_ocr_text(fx('mixed.pdf'), text_source => 'auto'), E'\f', 2)
       = imgtrans_ocr_text(fx('mixed.pdf'), pages => '{2}') AS page2_is_ocr,
       split_part(imgtrans_ocr_text(fx('mixed.pdf'), text_source => 'pdf'), E'\f', 2) AS page2_pdf;
-- TSV: the rows of imgtrans_ocr(text_source => 'pdf'), tesseract's columns, conf 100 for words
WITH tsv AS (
  SELECT string_to_array(l, E'\t') AS c
  FROM regexp_split_to_table(rtrim(imgtrans_ocr_tsv(fx('born.pdf'), text_source => 'pdf'), E'\n'), E'\n')
  WITH ORDINALITY AS t(l, n) WHERE n > 1)
SELECT count(*) AS rows, count(*) FILTER (WHERE c[1] = '5' AND c[11] = '100.000000') AS words,
       (SELECT count(*) FROM imgtrans_ocr(fx('born.pdf'), level => 'all', text_source => 'pdf') b
        WHERE (b.page_num, b.block_num, b.par_num, b.line_num, b.word_num, b.x, b.y, b.width, b.height)
              IN (SELECT c[2]::int, c[3]::int, c[4]::int, c[5]::int, c[6]::int, c[7]::int, c[8]::int, c[9]::int, c[10]::int FROM tsv))
         AS same_as_rows
FROM tsv;
SELECT what, try(q) AS result FROM (VALUES
  ('text pdf of a tiff', $$SELECT imgtrans_ocr_text(fx('pages.tif'), text_source => 'pdf')$$),
  ('tsv unknown source', $$SELECT imgtrans_ocr_tsv(fx('born.pdf'), text_source => 'both')$$)
) AS t(what, q);

-- searchable PDF out (test/t/documents_ocrpdf.sh reads it with pdftotext):
-- one page per page asked for, each with a text layer that imgtrans reads back
-- as the words OCR found; a NULL doc gives NULL
SELECT p.format, p.pages, p.page, p.has_text, p.width_pt, p.height_pt
FROM imgtrans_doc_info(imgtrans_ocr_pdf(fx('pages.tif'), pages => '{3,1}')) p;
SELECT string_agg(text, ' ' ORDER BY page_num, block_num, par_num, line_num, word_num)
       = (SELECT string_agg(text, ' ' ORDER BY page_num, block_num, par_num, line_num, word_num)
          FROM imgtrans_ocr(fx('scan.pdf')) WHERE btrim(text) <> '') AS text_layer_is_ocr
FROM imgtrans_ocr(imgtrans_ocr_pdf(fx('scan.pdf')), text_source => 'pdf');
SELECT imgtrans_ocr_pdf(NULL) IS NULL AS null_doc;
SELECT what, try(q) AS result FROM (VALUES
  ('page out of range', $$SELECT imgtrans_ocr_pdf(fx('scan.pdf'), pages => '{3}')$$),
  ('not an image',      $$SELECT imgtrans_ocr_pdf(fx('notimage.txt'))$$),
  ('bad psm',           $$SELECT imgtrans_ocr_pdf(fx('hello.png'), psm => 0)$$)
) AS t(what, q);
SELECT count(*) AS files_left FROM pg_ls_dir('base/pgsql_tmp', true, false);
