-- imgtrans 0.5.0 -> 0.6.0: security hardening.
--
-- Tesseract variables (vars) are an allow-list of variables that affect
-- recognition only; imgtrans_ocr_vars() shows it.  Job times are the real
-- start and end of the work; imgtrans.worker_status() shows a job only to
-- those who may see the job.
\echo Use "ALTER EXTENSION imgtrans UPDATE TO '0.6.0'" to load this file. \quit

CREATE FUNCTION imgtrans_ocr_vars(OUT name text, OUT type text, OUT min float8, OUT max float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'imgtrans_ocr_vars'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION imgtrans_ocr_vars() IS
    'The tesseract variables vars may set: the built-in allow-list (type, range; for strings max is the longest value in bytes) and the names a superuser added in imgtrans.extra_tesseract_vars (type NULL)';

COMMENT ON COLUMN imgtrans.jobs.started_at IS 'When a worker took the job for its latest attempt';
COMMENT ON COLUMN imgtrans.jobs.finished_at IS 'When the job''s last attempt ended (done, failed or cancelled)';
COMMENT ON FUNCTION imgtrans.worker_status() IS
    'The job workers'' shared-memory registry; a job and its phase are shown only to its owner (and members) and imgtrans_admin. Use the view imgtrans.workers';
