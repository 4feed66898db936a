-- imgtrans 0.9.0 -> 0.10.0: documents, second part (issue 14).
--
-- imgtrans_ocr_pdf() makes a searchable PDF (page images with an invisible
-- text layer) with tesseract's own PDF renderer.
\echo Use "ALTER EXTENSION imgtrans UPDATE TO '0.10.0'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- API: Public -- searchable PDF out
-- ---------------------------------------------------------------------------

CREATE FUNCTION imgtrans_ocr_pdf(doc bytea, lang text DEFAULT 'eng', psm int DEFAULT 3,
                                 vars jsonb DEFAULT NULL, pages int[] DEFAULT NULL,
                                 dpi int DEFAULT NULL)
RETURNS bytea
AS 'MODULE_PATHNAME', 'imgtrans_ocr_pdf'
LANGUAGE C STABLE PARALLEL SAFE COST 100000;
COMMENT ON FUNCTION imgtrans_ocr_pdf(bytea, text, int, jsonb, int[], int) IS
    'A searchable PDF of an image, a multi-page TIFF or a scanned PDF (pages: the pages, from 1, NULL for all; dpi: PDF resolution, NULL for imgtrans.pdf_dpi): each page image with an invisible text layer holding what imgtrans_ocr_text recognises, made by tesseract''s own PDF renderer';

-- ---------------------------------------------------------------------------
-- text_source on the text and TSV outputs, as on imgtrans_ocr.  hOCR and
-- ALTO always OCR: they carry what only recognition knows (baselines, font
-- sizes, confidences per glyph).
-- ---------------------------------------------------------------------------

DROP FUNCTION imgtrans_ocr_text(bytea, text, int, jsonb, text[], int[], int);
CREATE FUNCTION imgtrans_ocr_text(image bytea, lang text DEFAULT 'eng', psm int DEFAULT 3,
                                  vars jsonb DEFAULT NULL, preprocess text[] DEFAULT NULL,
                                  pages int[] DEFAULT NULL, dpi int DEFAULT NULL,
                                  text_source text DEFAULT 'ocr')
RETURNS text
AS 'MODULE_PATHNAME', 'imgtrans_ocr_text'
LANGUAGE C STABLE PARALLEL SAFE COST 100000;
COMMENT ON FUNCTION imgtrans_ocr_text(bytea, text, int, jsonb, text[], int[], int, text) IS
    'Recognises text in an image, a PDF or a multi-page TIFF; without preprocessing, exactly as "tesseract FILE - -l LANG --psm N" prints it (a form feed between pages); text_source: ocr, pdf (a PDF page''s text layer, laid out as tesseract lays out text) or auto (the text layer where a page has at least 3 words, OCR elsewhere)';

DROP FUNCTION imgtrans_ocr_tsv(bytea, text, int, jsonb, int[], int);
CREATE FUNCTION imgtrans_ocr_tsv(image bytea, lang text DEFAULT 'eng', psm int DEFAULT 3,
                                 vars jsonb DEFAULT NULL, pages int[] DEFAULT NULL,
                                 dpi int DEFAULT NULL, text_source text DEFAULT 'ocr')
RETURNS text
AS 'MODULE_PATHNAME', 'imgtrans_ocr_tsv'
LANGUAGE C STABLE PARALLEL SAFE COST 100000;
COMMENT ON FUNCTION imgtrans_ocr_tsv(bytea, text, int, jsonb, int[], int, text) IS
    'Recognises text in an image, a PDF or a multi-page TIFF; returns tesseract''s TSV with its header line, page_num the document''s page; text_source as for imgtrans_ocr_text (text-layer words have confidence 100)';
