-- imgtrans 0.6.0 -> 0.7.0: documents (PDF, multi-page TIFF) as pages.
--
-- imgtrans_doc_info() lists a document's pages; imgtrans_page_image()
-- returns one page as a PNG.  PDFs are read by imgtrans_pdf.so (poppler),
-- which is loaded on the first PDF only.
\echo Use "ALTER EXTENSION imgtrans UPDATE TO '0.7.0'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- API: Public -- documents
-- ---------------------------------------------------------------------------

CREATE FUNCTION imgtrans_doc_info(doc bytea, dpi int DEFAULT NULL,
    OUT format text, OUT pages int, OUT page int, OUT width bigint, OUT height bigint,
    OUT dpi int, OUT width_pt float8, OUT height_pt float8, OUT has_text boolean)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'imgtrans_doc_info'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION imgtrans_doc_info(bytea, int) IS
    'One row per page of a PDF, a (multi-page) TIFF or an image: format, page count, page number, size in pixels at dpi (PDF: the argument, else imgtrans.pdf_dpi; other formats: their own pixels and recorded resolution), size in points, and whether a PDF page has a text layer. Reads no pixels';

CREATE FUNCTION imgtrans_page_image(doc bytea, page int, dpi int DEFAULT NULL)
RETURNS bytea
AS 'MODULE_PATHNAME', 'imgtrans_page_image'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION imgtrans_page_image(bytea, int, int) IS
    'Page page (from 1) of a PDF or TIFF (or an image, page 1) as a PNG recording its resolution; PDF pages are rasterised at dpi, else imgtrans.pdf_dpi';

-- ---------------------------------------------------------------------------
-- OCR of documents: box rows carry their page; pages and dpi per call
-- ---------------------------------------------------------------------------

-- appended, so positional readers of the first twelve columns keep working
ALTER TYPE imgtrans_box ADD ATTRIBUTE page_num int;
COMMENT ON TYPE imgtrans_box IS
    'One OCR result row: numbering and box as in tesseract''s TSV output, plus the text, the box as a geometric box, and the page of a document it is on (1 for an image)';

DROP FUNCTION imgtrans_ocr(bytea, text, text, int, jsonb, text[]);
CREATE FUNCTION imgtrans_ocr(image bytea, lang text DEFAULT 'eng', level text DEFAULT 'word',
                             psm int DEFAULT 3, vars jsonb DEFAULT NULL,
                             preprocess text[] DEFAULT NULL, pages int[] DEFAULT NULL,
                             dpi int DEFAULT NULL, text_source text DEFAULT 'ocr')
RETURNS SETOF imgtrans_box
AS 'MODULE_PATHNAME', 'imgtrans_ocr'
LANGUAGE C STABLE PARALLEL SAFE COST 100000 ROWS 200;
COMMENT ON FUNCTION imgtrans_ocr(bytea, text, text, int, jsonb, text[], int[], int, text) IS
    'Recognises text in an image, a PDF or a multi-page TIFF (pages: the pages to read, from 1, NULL for all; dpi: PDF resolution, NULL for imgtrans.pdf_dpi; text_source: ocr, pdf (a PDF''s text layer, confidence 100) or auto (the text layer where a page has at least 3 words, OCR elsewhere)); returns box rows of the given level (page, block, para, line, word or all), in the original image''s coordinates whatever preprocessing ran, with their page_num';

DROP FUNCTION imgtrans_ocr_text(bytea, text, int, jsonb, text[]);
CREATE FUNCTION imgtrans_ocr_text(image bytea, lang text DEFAULT 'eng', psm int DEFAULT 3,
                                  vars jsonb DEFAULT NULL, preprocess text[] DEFAULT NULL,
                                  pages int[] DEFAULT NULL, dpi int DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'imgtrans_ocr_text'
LANGUAGE C STABLE PARALLEL SAFE COST 100000;
COMMENT ON FUNCTION imgtrans_ocr_text(bytea, text, int, jsonb, text[], int[], int) IS
    'Recognises text in an image, a PDF or a multi-page TIFF; without preprocessing, exactly as "tesseract FILE - -l LANG --psm N" prints it (a form feed between pages)';

DROP FUNCTION imgtrans_ocr_hocr(bytea, text, int, jsonb);
CREATE FUNCTION imgtrans_ocr_hocr(image bytea, lang text DEFAULT 'eng', psm int DEFAULT 3,
                                  vars jsonb DEFAULT NULL, pages int[] DEFAULT NULL,
                                  dpi int DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'imgtrans_ocr_hocr'
LANGUAGE C STABLE PARALLEL SAFE COST 100000;
COMMENT ON FUNCTION imgtrans_ocr_hocr(bytea, text, int, jsonb, int[], int) IS
    'Recognises text in an image, a PDF or a multi-page TIFF; returns an hOCR (XHTML) document, one ocr_page per page';

DROP FUNCTION imgtrans_ocr_tsv(bytea, text, int, jsonb);
CREATE FUNCTION imgtrans_ocr_tsv(image bytea, lang text DEFAULT 'eng', psm int DEFAULT 3,
                                 vars jsonb DEFAULT NULL, pages int[] DEFAULT NULL,
                                 dpi int DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'imgtrans_ocr_tsv'
LANGUAGE C STABLE PARALLEL SAFE COST 100000;
COMMENT ON FUNCTION imgtrans_ocr_tsv(bytea, text, int, jsonb, int[], int) IS
    'Recognises text in an image, a PDF or a multi-page TIFF; returns tesseract''s TSV with its header line, page_num the document''s page';

DROP FUNCTION imgtrans_ocr_alto(bytea, text, int, jsonb);
CREATE FUNCTION imgtrans_ocr_alto(image bytea, lang text DEFAULT 'eng', psm int DEFAULT 3,
                                  vars jsonb DEFAULT NULL, pages int[] DEFAULT NULL,
                                  dpi int DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'imgtrans_ocr_alto'
LANGUAGE C STABLE PARALLEL SAFE COST 100000;
COMMENT ON FUNCTION imgtrans_ocr_alto(bytea, text, int, jsonb, int[], int) IS
    'Recognises text in an image, a PDF or a multi-page TIFF; returns an ALTO v3 XML document, one Page per page';
