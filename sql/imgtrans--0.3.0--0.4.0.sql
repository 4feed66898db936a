-- imgtrans 0.3.0 -> 0.4.0: image translation (translated boxes, rendering).
\echo Use "ALTER EXTENSION imgtrans UPDATE TO '0.4.0'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Types
-- ---------------------------------------------------------------------------

CREATE TYPE imgtrans_translated_box AS (
    level      text,    -- para or line
    block_num  int,
    par_num    int,
    line_num   int,
    word_num   int,
    x          int,
    y          int,
    width      int,
    height     int,
    conf       real,
    text       text,    -- the recognised text (a paragraph's lines joined with spaces)
    bbox       box,
    translated text     -- text in the target language
);
COMMENT ON TYPE imgtrans_translated_box IS
    'An imgtrans_box row (numbering, box, confidence, text) plus its translation';

-- ---------------------------------------------------------------------------
-- Rendering
-- ---------------------------------------------------------------------------

CREATE FUNCTION imgtrans_render(image bytea, boxes jsonb, mode text DEFAULT 'translate',
                                format text DEFAULT 'png')
RETURNS bytea
AS 'MODULE_PATHNAME', 'imgtrans_render'
LANGUAGE C STABLE PARALLEL SAFE COST 10000;
COMMENT ON FUNCTION imgtrans_render(bytea, jsonb, text, text) IS
    'Draws boxes (a JSON array of objects with x, y, width, height and optional conf, text, translated; e.g. jsonb_agg of imgtrans_ocr or imgtrans_translate_image rows) onto the image: mode boxes outlines them by confidence, translate paints each over and writes its translated text (else text) inside, erase only paints over. Returns png, jpeg, webp or tiff at the original size and resolution';

CREATE FUNCTION imgtrans_render(image bytea, boxes imgtrans_translated_box[],
                                mode text DEFAULT 'translate', format text DEFAULT 'png')
RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE
RETURN imgtrans_render(image, to_jsonb(boxes), mode, format);
COMMENT ON FUNCTION imgtrans_render(bytea, imgtrans_translated_box[], text, text) IS
    'imgtrans_render for an array of imgtrans_translated_box rows, e.g. array_agg(t) of imgtrans_translate_image';

-- ---------------------------------------------------------------------------
-- Image translation
-- ---------------------------------------------------------------------------

CREATE FUNCTION imgtrans_translate_image(image bytea, target text, source text DEFAULT 'eng',
                                         level text DEFAULT 'para', provider text DEFAULT NULL)
RETURNS SETOF imgtrans_translated_box
AS 'MODULE_PATHNAME', 'imgtrans_translate_image'
LANGUAGE C VOLATILE PARALLEL RESTRICTED COST 100000 ROWS 20;
COMMENT ON FUNCTION imgtrans_translate_image(bytea, text, text, text, text) IS
    'Recognises the paragraphs (level para, lines joined with spaces) or lines of an image in the source language and translates them all in one batched provider call through the cache; one imgtrans_translated_box row per element with text. NULL image, target, source or level gives no rows';
