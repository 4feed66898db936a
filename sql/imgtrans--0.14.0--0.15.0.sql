-- imgtrans 0.14.0 -> 0.15.0: a submitted image is stored without pglz's
-- search for a compression it almost never finds (issue 14).
\echo Use "ALTER EXTENSION imgtrans UPDATE" to load this file. \quit

-- PNG, JPEG, WebP, HEIF and a PDF's page streams are compressed already.
-- pglz, PostgreSQL's default, gives up only when no match turns up in the
-- first kilobyte; a PDF's or TIFF's header has matches, so it searched all
-- of a 1.4 MB scanned PDF for ~28 ms before storing it as it was (the
-- submit took 37 ms instead of 9).  lz4 gives up within a millisecond on
-- such data and still compresses what compresses (a BMP, an uncompressed
-- TIFF).  A server built without lz4 keeps pglz.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_settings
               WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
        ALTER TABLE imgtrans.jobs ALTER COLUMN image SET COMPRESSION lz4;
    END IF;
END
$$;
