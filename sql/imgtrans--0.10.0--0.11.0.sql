-- imgtrans 0.10.0 -> 0.11.0: the OCR cache (issue 15, part 3).
\echo Use "ALTER EXTENSION imgtrans UPDATE" to load this file. \quit

-- ---------------------------------------------------------------------------
-- OCR cache
-- ---------------------------------------------------------------------------

-- Not marked with pg_extension_config_dump: it holds derived data only (each
-- row can be recomputed from an image the user still has), it can be large,
-- and its keys include the size and mtime of the traineddata files, so on
-- another server restored rows would never be hit.
CREATE TABLE imgtrans.ocr_cache (
    key         bytea PRIMARY KEY,      -- SHA-256 of the image and every argument (src/ocr/ocrcache.c)
    kind        text NOT NULL,          -- boxes, text, hocr, alto or tsv
    result      bytea NOT NULL,         -- text as returned, or rows in their types' binary format
    created     timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON TABLE imgtrans.ocr_cache FROM PUBLIC;
COMMENT ON TABLE imgtrans.ocr_cache IS
    'Results of the OCR functions keyed by SHA-256 of the image, the arguments, tesseract''s version and the traineddata files (imgtrans.ocr_cache = on)';

CREATE FUNCTION imgtrans_ocr_cache_stats(OUT rows bigint, OUT hits bigint, OUT misses bigint,
                                         OUT bytes bigint)
RETURNS record
AS 'MODULE_PATHNAME', 'imgtrans_ocr_cache_stats'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;
COMMENT ON FUNCTION imgtrans_ocr_cache_stats() IS
    'Cached OCR results, lookups found (hits) or not (misses) in the cache since server start with shared_preload_libraries (else in this session), and the cache table''s size on disk';

CREATE FUNCTION imgtrans_ocr_cache_purge(older_than interval DEFAULT '0')
RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n bigint;
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RAISE EXCEPTION 'only superusers can purge the OCR cache'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    DELETE FROM imgtrans.ocr_cache WHERE created <= now() - coalesce(older_than, '0');
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
REVOKE ALL ON FUNCTION imgtrans_ocr_cache_purge(interval) FROM PUBLIC;
COMMENT ON FUNCTION imgtrans_ocr_cache_purge(interval) IS
    'Deletes cached OCR results older than the interval (default: all) and returns how many (superuser only)';
