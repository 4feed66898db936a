-- PDF JavaScript and attachments are ignored, never executed.  js.pdf
-- (scripts/make-doc-fixtures.sh) is born.pdf's page 1 plus JavaScript in
-- the catalog's /OpenAction and in /Names /JavaScript, which a viewer would
-- run to fill the form field "total" with 'JS RAN 666' and alert it, and an
-- attached file secret.txt ("ATTACHED SECRET 777", /Names /EmbeddedFiles).
-- Poppler has no JavaScript interpreter, and imgtrans asks poppler-glib only
-- for page sizes, page content and the text layer, never for actions,
-- links, form fields or attachments (src/document/README.md).

-- the fixture does carry them
SELECT position('/OpenAction'::bytea IN d) > 0 AS open_action,
       position('/JavaScript'::bytea IN d) > 0 AS javascript,
       position('JS RAN 666'::bytea IN d) > 0 AS script_text,
       position('/EmbeddedFiles'::bytea IN d) > 0 AS embedded_files,
       position('ATTACHED SECRET 777'::bytea IN d) > 0 AS attachment_text
FROM fx('js.pdf') d;

-- every function reads it as born.pdf's page 1
SELECT * FROM imgtrans_doc_info(fx('js.pdf'));
-- the same pixels: no field filled in, no alert drawn
SELECT imgtrans_page_image(fx('js.pdf'), 1) = imgtrans_page_image(fx('born.pdf'), 1) AS same_pixels,
       imgtrans_page_image(fx('js.pdf'), 1, 100) = imgtrans_page_image(fx('born.pdf'), 1, 100) AS same_pixels_100dpi;
SELECT imgtrans_ocr_text(fx('js.pdf'), text_source => 'pdf') AS text_layer;
SELECT imgtrans_ocr_text(fx('js.pdf'), text_source => 'ocr') AS ocr;
-- the box rows of every text_source are born.pdf page 1's
CREATE FUNCTION doc_rows(d bytea, ts text, p int[] DEFAULT NULL) RETURNS text[] LANGUAGE sql AS $$
  SELECT array_agg(concat_ws(' ', page_num, level, block_num, par_num, line_num, word_num,
                             x, y, width, height, round(conf), text)
                   ORDER BY page_num, block_num, par_num, line_num, word_num, level)
  FROM imgtrans_ocr(d, level => 'all', text_source => ts, pages => p) $$;
SELECT ts, doc_rows(fx('js.pdf'), ts) = doc_rows(fx('born.pdf'), ts, '{1}') AS rows_as_born,
       cardinality(doc_rows(fx('js.pdf'), ts)) AS rows
FROM unnest(ARRAY['pdf', 'ocr', 'auto']) ts;

-- nothing of the scripts or the attachment in any output
-- (the words only: 666 and 777 may well be coordinates in TSV, hOCR and ALTO)
SELECT what, out !~* '(JS RAN|ATTACHED|SECRET|secret\.txt|alert|getField)' AS clean
FROM (VALUES
  ('text pdf',  imgtrans_ocr_text(fx('js.pdf'), text_source => 'pdf')),
  ('text ocr',  imgtrans_ocr_text(fx('js.pdf'), text_source => 'ocr')),
  ('tsv pdf',   imgtrans_ocr_tsv(fx('js.pdf'), text_source => 'pdf')),
  ('tsv ocr',   imgtrans_ocr_tsv(fx('js.pdf'))),
  ('hocr',      imgtrans_ocr_hocr(fx('js.pdf'))),
  ('alto',      imgtrans_ocr_alto(fx('js.pdf'))),
  ('rows',      array_to_string(doc_rows(fx('js.pdf'), 'auto'), E'\n'))
) AS t(what, out);

-- the searchable PDF: one page, its text layer OCR's words, and neither
-- scripts nor attachments carried over
SELECT p.format, p.pages, p.page, p.has_text, p.width_pt, p.height_pt
FROM imgtrans_doc_info(imgtrans_ocr_pdf(fx('js.pdf'))) p;
SELECT regexp_replace(imgtrans_ocr_text(imgtrans_ocr_pdf(fx('js.pdf')), text_source => 'pdf'), '\s+', ' ', 'g')
       = regexp_replace(imgtrans_ocr_text(fx('js.pdf'), text_source => 'ocr'), '\s+', ' ', 'g') AS text_layer_is_ocr;
SELECT position('/JavaScript'::bytea IN r) = 0 AS no_javascript,
       position('/OpenAction'::bytea IN r) = 0 AS no_open_action,
       position('/EmbeddedFiles'::bytea IN r) = 0 AS no_embedded_files
FROM imgtrans_ocr_pdf(fx('js.pdf')) r;
DROP FUNCTION doc_rows(bytea, text, int[]);
