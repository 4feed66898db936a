-- imgtrans 0.7.0 -> 0.8.0: EXIF orientation, and what preprocess => '{auto}' decides.
\echo Use "ALTER EXTENSION imgtrans UPDATE" to load this file. \quit

-- ---------------------------------------------------------------------------
-- EXIF orientation: every function sees an image as a browser shows it;
-- imgtrans_image_info reports the tag and the displayed size
-- ---------------------------------------------------------------------------

DROP FUNCTION imgtrans_image_info(bytea);
CREATE FUNCTION imgtrans_image_info(image bytea,
    OUT format text, OUT width bigint, OUT height bigint, OUT depth int,
    OUT xres int, OUT yres int, OUT orientation int)
RETURNS record
AS 'MODULE_PATHNAME', 'imgtrans_image_info'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION imgtrans_image_info(bytea) IS
    'Format, size as displayed, bits per pixel, resolution (ppi, NULL if not recorded) and EXIF orientation (1-8, 1 if none), read from the header without decoding pixels';

-- ---------------------------------------------------------------------------
-- auto, explained
-- ---------------------------------------------------------------------------

CREATE FUNCTION imgtrans_preprocess_plan(image bytea,
    OUT ord int, OUT step text, OUT applied boolean, OUT reason text, OUT measurements jsonb)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'imgtrans_preprocess_plan'
LANGUAGE C STABLE STRICT PARALLEL SAFE COST 10000 ROWS 8;
COMMENT ON FUNCTION imgtrans_preprocess_plan(bytea) IS
    'What preprocess => ''{auto}'' decides for the image, as OCR runs it: each step in order, whether it runs, why (values and thresholds), and the measurements behind it';
