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

-- ---------------------------------------------------------------------------
-- Image translation on any page of a document: imgtrans_translate_image,
-- imgtrans_render and imgtrans_preprocess take a page (from 1) and a PDF
-- resolution; translated boxes carry their page.
-- ---------------------------------------------------------------------------

-- appended, as imgtrans_box's page_num was: positional readers keep working
ALTER TYPE imgtrans_translated_box ADD ATTRIBUTE page_num int;
COMMENT ON TYPE imgtrans_translated_box IS
    'An imgtrans_box row (numbering, box, confidence, text) plus its translation, then the page of a document it is on (1 for an image)';

DROP FUNCTION imgtrans_translate_image(bytea, text, text, text, text, text[]);
CREATE FUNCTION imgtrans_translate_image(image bytea, target text, source text DEFAULT 'eng',
                                         level text DEFAULT 'para', provider text DEFAULT NULL,
                                         preprocess text[] DEFAULT NULL, page int DEFAULT 1,
                                         dpi int DEFAULT NULL)
RETURNS SETOF imgtrans_translated_box
AS 'MODULE_PATHNAME', 'imgtrans_translate_image'
LANGUAGE C VOLATILE PARALLEL RESTRICTED COST 100000 ROWS 20;
COMMENT ON FUNCTION imgtrans_translate_image(bytea, text, text, text, text, text[], int, int) IS
    'Recognises the paragraphs (level para, lines joined with spaces) or lines of an image, or of page page of a PDF or TIFF (dpi: PDF resolution, NULL for imgtrans.pdf_dpi), in the source language, after optional preprocessing, and translates them all in one batched provider call through the cache; one imgtrans_translated_box row per element with text, in the original image''s (the page''s) coordinates, page_num the page. NULL image, target, source, level or page gives no rows';

DROP FUNCTION imgtrans_render(bytea, imgtrans_translated_box[], text, text);
DROP FUNCTION imgtrans_render(bytea, jsonb, text, text);
CREATE FUNCTION imgtrans_render(image bytea, boxes jsonb, mode text DEFAULT 'translate',
                                format text DEFAULT 'png', page int DEFAULT 1,
                                dpi int DEFAULT NULL)
RETURNS bytea
AS 'MODULE_PATHNAME', 'imgtrans_render'
LANGUAGE C STABLE PARALLEL SAFE COST 10000;
COMMENT ON FUNCTION imgtrans_render(bytea, jsonb, text, text, int, int) IS
    'Draws boxes (a JSON array of objects with x, y, width, height and optional conf, text, translated, page_num; e.g. jsonb_agg of imgtrans_ocr or imgtrans_translate_image rows) onto the image, or onto page page of a PDF or TIFF rasterised at dpi (boxes of other pages are left out): mode boxes outlines them by confidence, translate paints each over and writes its translated text (else text) inside, erase only paints over. Returns png, jpeg, webp or tiff at the original (the page''s) size and resolution';

CREATE FUNCTION imgtrans_render(image bytea, boxes imgtrans_translated_box[],
                                mode text DEFAULT 'translate', format text DEFAULT 'png',
                                page int DEFAULT 1, dpi int DEFAULT NULL)
RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE
RETURN imgtrans_render(image, to_jsonb(boxes), mode, format, page, dpi);
COMMENT ON FUNCTION imgtrans_render(bytea, imgtrans_translated_box[], text, text, int, int) IS
    'imgtrans_render for an array of imgtrans_translated_box rows, e.g. array_agg(t) of imgtrans_translate_image';

DROP FUNCTION imgtrans_preprocess(bytea, text[]);
CREATE FUNCTION imgtrans_preprocess(image bytea, steps text[], page int DEFAULT 1,
                                    dpi int DEFAULT NULL)
RETURNS bytea
AS 'MODULE_PATHNAME', 'imgtrans_preprocess'
LANGUAGE C STABLE PARALLEL SAFE COST 10000;
COMMENT ON FUNCTION imgtrans_preprocess(bytea, text[], int, int) IS
    'The image, or page page of a PDF or TIFF rasterised at dpi, as the OCR engine sees it after the steps (gray, otsu, sauvola, deskew, orient, scale, denoise, border, invert, auto), as PNG. NULL image, steps or page gives NULL';
