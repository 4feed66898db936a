-- imgtrans 0.4.0 -> 0.5.0: preprocessing, orientation and deskew before OCR.
\echo Use "ALTER EXTENSION imgtrans UPDATE" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Orientation, skew, preprocessing
-- ---------------------------------------------------------------------------

CREATE FUNCTION imgtrans_osd(image bytea,
    OUT orientation int, OUT rotate int, OUT orientation_conf real,
    OUT script text, OUT script_conf real)
RETURNS record
AS 'MODULE_PATHNAME', 'imgtrans_osd'
LANGUAGE C STABLE STRICT PARALLEL SAFE COST 10000;
COMMENT ON FUNCTION imgtrans_osd(bytea) IS
    'Page orientation (0/90/180/270), the clockwise rotation that makes it upright, and the script, by tesseract OSD; all NULL when there is too little text to decide';

CREATE FUNCTION imgtrans_skew(image bytea, OUT angle real, OUT confidence real)
RETURNS record
AS 'MODULE_PATHNAME', 'imgtrans_skew'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION imgtrans_skew(bytea) IS
    'Skew of the text lines in degrees (clockwise positive, searched within +-15) and leptonica''s confidence (>= 3 is reliable)';

CREATE FUNCTION imgtrans_preprocess(image bytea, steps text[])
RETURNS bytea
AS 'MODULE_PATHNAME', 'imgtrans_preprocess'
LANGUAGE C STABLE STRICT PARALLEL SAFE COST 10000;
COMMENT ON FUNCTION imgtrans_preprocess(bytea, text[]) IS
    'The image as the OCR engine sees it after the steps (gray, otsu, sauvola, deskew, orient, scale, denoise, border, invert, auto), as PNG';

-- ---------------------------------------------------------------------------
-- OCR with preprocessing: boxes stay in the original image's coordinates
-- ---------------------------------------------------------------------------

DROP FUNCTION imgtrans_ocr(bytea, text, text, int, jsonb);
CREATE FUNCTION imgtrans_ocr(image bytea, lang text DEFAULT 'eng', level text DEFAULT 'word',
                             psm int DEFAULT 3, vars jsonb DEFAULT NULL,
                             preprocess text[] DEFAULT NULL)
RETURNS SETOF imgtrans_box
AS 'MODULE_PATHNAME', 'imgtrans_ocr'
LANGUAGE C STABLE PARALLEL SAFE COST 100000 ROWS 200;
COMMENT ON FUNCTION imgtrans_ocr(bytea, text, text, int, jsonb, text[]) IS
    'Recognises text in an image; returns box rows of the given level (page, block, para, line, word or all), in the original image''s coordinates whatever preprocessing ran';

DROP FUNCTION imgtrans_ocr_text(bytea, text, int, jsonb);
CREATE FUNCTION imgtrans_ocr_text(image bytea, lang text DEFAULT 'eng', psm int DEFAULT 3,
                                  vars jsonb DEFAULT NULL, preprocess text[] DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'imgtrans_ocr_text'
LANGUAGE C STABLE PARALLEL SAFE COST 100000;
COMMENT ON FUNCTION imgtrans_ocr_text(bytea, text, int, jsonb, text[]) IS
    'Recognises text in an image; without preprocessing, exactly as "tesseract FILE - -l LANG --psm N" prints it';

DROP FUNCTION imgtrans_translate_image(bytea, text, text, text, text);
CREATE FUNCTION imgtrans_translate_image(image bytea, target text, source text DEFAULT 'eng',
                                         level text DEFAULT 'para', provider text DEFAULT NULL,
                                         preprocess text[] DEFAULT NULL)
RETURNS SETOF imgtrans_translated_box
AS 'MODULE_PATHNAME', 'imgtrans_translate_image'
LANGUAGE C VOLATILE PARALLEL RESTRICTED COST 100000 ROWS 20;
COMMENT ON FUNCTION imgtrans_translate_image(bytea, text, text, text, text, text[]) IS
    'Recognises the paragraphs (level para, lines joined with spaces) or lines of an image in the source language, after optional preprocessing, and translates them all in one batched provider call through the cache; one imgtrans_translated_box row per element with text, in the original image''s coordinates. NULL image, target, source or level gives no rows';
