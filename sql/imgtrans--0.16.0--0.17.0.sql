-- imgtrans 0.16.0 -> 0.17.0: images are decoded in each backend's image
-- decoder, a child the backend kills on any interrupt
-- (src/image/decoder.c), because libpng, libjpeg, libtiff, libwebp and
-- giflib parse hostile bytes and cannot be interrupted.
-- imgtrans_engine_info() shows that process.
\echo Use "ALTER EXTENSION imgtrans UPDATE" to load this file. \quit

-- OUT parameters cannot change in place
DROP FUNCTION imgtrans_engine_info();
CREATE FUNCTION imgtrans_engine_info(OUT omp_thread_limit int, OUT cached_languages text[],
                                     OUT ocr_process_pid int, OUT decoder_pid int)
RETURNS record
AS 'MODULE_PATHNAME', 'imgtrans_engine_info'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;
COMMENT ON FUNCTION imgtrans_engine_info() IS
    'This backend''s OpenMP thread limit, the tesseract engines its OCR process holds (most recently used first), that process''s PID and its image decoder''s PID (NULL: none yet)';
