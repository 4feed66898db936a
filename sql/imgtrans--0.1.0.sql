-- imgtrans 0.1.0: OCR with tesseract as SQL functions.
\echo Use "CREATE EXTENSION imgtrans" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Types
-- ---------------------------------------------------------------------------

CREATE TYPE imgtrans_box AS (
    level     text,     -- page | block | para | line | word
    block_num int,
    par_num   int,
    line_num  int,
    word_num  int,
    x         int,      -- left, pixels from the image's left edge
    y         int,      -- top, pixels from the image's top edge
    width     int,
    height    int,
    conf      real,     -- 0..100
    text      text,
    bbox      box       -- (x, y) to (x + width, y + height)
);
COMMENT ON TYPE imgtrans_box IS
    'One OCR result row: numbering and box as in tesseract''s TSV output, plus the text and the box as a geometric box';

-- ---------------------------------------------------------------------------
-- OCR
-- ---------------------------------------------------------------------------

CREATE FUNCTION imgtrans_ocr(image bytea, lang text DEFAULT 'eng', level text DEFAULT 'word',
                             psm int DEFAULT 3, vars jsonb DEFAULT NULL)
RETURNS SETOF imgtrans_box
AS 'MODULE_PATHNAME', 'imgtrans_ocr'
LANGUAGE C STABLE PARALLEL SAFE COST 100000 ROWS 200;
COMMENT ON FUNCTION imgtrans_ocr(bytea, text, text, int, jsonb) IS
    'Recognises text in an image; returns box rows of the given level (page, block, para, line, word or all). NULL image, lang, level or psm gives no rows';

CREATE FUNCTION imgtrans_ocr_text(image bytea, lang text DEFAULT 'eng', psm int DEFAULT 3,
                                  vars jsonb DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'imgtrans_ocr_text'
LANGUAGE C STABLE PARALLEL SAFE COST 100000;
COMMENT ON FUNCTION imgtrans_ocr_text(bytea, text, int, jsonb) IS
    'Recognises text in an image; returns it as "tesseract FILE - -l LANG --psm N" prints it';

CREATE FUNCTION imgtrans_ocr_hocr(image bytea, lang text DEFAULT 'eng', psm int DEFAULT 3,
                                  vars jsonb DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'imgtrans_ocr_hocr'
LANGUAGE C STABLE PARALLEL SAFE COST 100000;
COMMENT ON FUNCTION imgtrans_ocr_hocr(bytea, text, int, jsonb) IS
    'Recognises text in an image; returns an hOCR (XHTML) document';

CREATE FUNCTION imgtrans_ocr_tsv(image bytea, lang text DEFAULT 'eng', psm int DEFAULT 3,
                                 vars jsonb DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'imgtrans_ocr_tsv'
LANGUAGE C STABLE PARALLEL SAFE COST 100000;
COMMENT ON FUNCTION imgtrans_ocr_tsv(bytea, text, int, jsonb) IS
    'Recognises text in an image; returns tesseract''s TSV with its header line';

CREATE FUNCTION imgtrans_ocr_alto(image bytea, lang text DEFAULT 'eng', psm int DEFAULT 3,
                                  vars jsonb DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'imgtrans_ocr_alto'
LANGUAGE C STABLE PARALLEL SAFE COST 100000;
COMMENT ON FUNCTION imgtrans_ocr_alto(bytea, text, int, jsonb) IS
    'Recognises text in an image; returns an ALTO v3 XML document';

-- ---------------------------------------------------------------------------
-- Images, languages, engine
-- ---------------------------------------------------------------------------

CREATE FUNCTION imgtrans_image_info(image bytea,
    OUT format text, OUT width bigint, OUT height bigint, OUT depth int,
    OUT xres int, OUT yres int)
RETURNS record
AS 'MODULE_PATHNAME', 'imgtrans_image_info'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION imgtrans_image_info(bytea) IS
    'Format, size, bits per pixel and resolution (ppi, NULL if not recorded), read from the header without decoding pixels';

CREATE FUNCTION imgtrans_languages()
RETURNS SETOF text
AS 'MODULE_PATHNAME', 'imgtrans_languages'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION imgtrans_languages() IS
    'Languages installed in the tessdata directory (imgtrans.tessdata_dir)';

CREATE FUNCTION imgtrans_engine_info(OUT omp_thread_limit int, OUT cached_languages text[])
RETURNS record
AS 'MODULE_PATHNAME', 'imgtrans_engine_info'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;
COMMENT ON FUNCTION imgtrans_engine_info() IS
    'This backend''s OpenMP thread limit and its cached tesseract engines, most recently used first';
