-- imgtrans 0.12.0 -> 0.13.0: a document's pages in parallel across workers
-- (issue 14), and operations: statistics, quotas, prompt wait (issue 16).
\echo Use "ALTER EXTENSION imgtrans UPDATE" to load this file. \quit

-- ---------------------------------------------------------------------------
-- A document's pages in parallel (issue 14, "Pages in parallel")
-- ---------------------------------------------------------------------------

-- Pages are the unit of work of a document job.  The worker that claims the
-- job counts its pages and adds one row per page here; every idle worker
-- then takes a page that is not done (FOR UPDATE SKIP LOCKED: the row lock
-- of the transaction that reads the page is the claim, and it dies with
-- that transaction), OCRs it and commits its boxes with done in one
-- transaction, so a page is stored exactly once whoever reads it and
-- whatever crashes.  The job's own worker reads pages too, waits for the
-- last ones, and ends the job as before (src/jobs/jobrun.c).
CREATE TABLE imgtrans.job_pages (
    job_id     bigint NOT NULL REFERENCES imgtrans.jobs ON DELETE CASCADE,
    page_num   int NOT NULL,
    done       boolean NOT NULL DEFAULT false,
    worker_pid int,
    done_at    timestamptz,
    error      text,
    PRIMARY KEY (job_id, page_num)
);
CREATE INDEX job_pages_todo_idx ON imgtrans.job_pages (job_id, page_num) WHERE NOT done;
COMMENT ON TABLE imgtrans.job_pages IS
    'Pages of the running document jobs (PDF, multi-page TIFF): each is read by whichever worker is free';
COMMENT ON COLUMN imgtrans.job_pages.done IS
    'The page''s boxes are committed in imgtrans.job_boxes';
COMMENT ON COLUMN imgtrans.job_pages.worker_pid IS 'PID of the worker that read the page';
COMMENT ON COLUMN imgtrans.job_pages.done_at IS 'When the page''s boxes were committed';
COMMENT ON COLUMN imgtrans.job_pages.error IS
    'Why another worker could not read the page; the job''s own worker then reads it and reports the error';

ALTER TABLE imgtrans.job_pages ENABLE ROW LEVEL SECURITY;
CREATE POLICY job_access ON imgtrans.job_pages FOR SELECT
    USING (EXISTS (SELECT FROM imgtrans.jobs j WHERE j.id = job_id));
COMMENT ON POLICY job_access ON imgtrans.job_pages IS
    'Pages are visible to whoever sees their job';
GRANT SELECT ON imgtrans.job_pages TO PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('imgtrans.job_pages', '');

-- documents that 0.12.0 workers had begun: their committed pages are done
INSERT INTO imgtrans.job_pages (job_id, page_num, done)
SELECT j.id, g, g <= j.pages_done
  FROM imgtrans.jobs j, generate_series(1, j.pages_total) g
 WHERE j.pages_total > 1 AND j.status IN ('queued', 'running');

COMMENT ON COLUMN imgtrans.jobs.pages_done IS
    'Pages whose OCR boxes are committed in imgtrans.job_boxes, by any worker (a re-run reads only the others)';
COMMENT ON COLUMN imgtrans.job_boxes.box_no IS
    'Position of the row in imgtrans_ocr''s output over all pages, from 1 (in commit order while a document''s pages are read, renumbered in page order before the job ends)';

-- ===========================================================================
-- Statistics and Prometheus (issue 16, "Statistics", "Prometheus");
-- the design is in src/stats/README.md, the operator's view in the README's
-- "Operating imgtrans".
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- Each job's timing: queued (created_at / next_attempt_at) -> started_at ->
-- finished_at, and where the time went
-- ---------------------------------------------------------------------------
ALTER TABLE imgtrans.jobs
    ADD COLUMN ocr_ms int,
    ADD COLUMN translate_ms int;
COMMENT ON COLUMN imgtrans.jobs.ocr_ms IS
    'Milliseconds of OCR of the pages committed so far (summed over pages and attempts; NULL before the first page)';
COMMENT ON COLUMN imgtrans.jobs.translate_ms IS
    'Milliseconds the translation of the last attempt that translated took (translate_image jobs)';

-- ---------------------------------------------------------------------------
-- Counters in shared memory (src/stats/stats.c): one row per (database,
-- role, SQL function / translation provider / job kind).  A role sees the
-- rows of the roles it is a member of; superusers, imgtrans_admin and
-- pg_read_all_stats (pg_monitor) see all.
-- ---------------------------------------------------------------------------
CREATE FUNCTION imgtrans.stats_rows(
    OUT kind text, OUT dbid oid, OUT userid oid, OUT name text,
    OUT calls bigint, OUT errors bigint, OUT total_ms float8, OUT max_ms float8,
    OUT pixels bigint, OUT pages bigint,
    OUT texts bigint, OUT cache_hits bigint, OUT cache_misses bigint, OUT http_errors jsonb,
    OUT done bigint, OUT failed bigint, OUT retried bigint, OUT cancelled bigint,
    OUT queue_wait_ms float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'imgtrans_stats_rows'
LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION imgtrans.stats_rows() IS
    'Every statistics row the caller may see, all counters; use the views imgtrans.stats, imgtrans.provider_stats and imgtrans.job_kind_stats';

CREATE VIEW imgtrans.stats WITH (security_invoker = true) AS
SELECT pg_catalog.pg_get_userbyid(s.userid) AS role, d.datname AS database, s.name AS function,
       s.calls, s.errors, s.total_ms, s.total_ms / NULLIF(s.calls, 0) AS mean_ms, s.max_ms,
       s.pixels, s.pages
FROM imgtrans.stats_rows() s LEFT JOIN pg_catalog.pg_database d ON d.oid = s.dbid
WHERE s.kind = 'function';
COMMENT ON VIEW imgtrans.stats IS
    'Per SQL function, database and calling role (a job''s owner for calls made by its worker): calls, errors, time (ms, including nested calls), pixels and pages decoded';

CREATE VIEW imgtrans.provider_stats WITH (security_invoker = true) AS
SELECT pg_catalog.pg_get_userbyid(s.userid) AS role, d.datname AS database, s.name AS provider,
       s.calls AS requests, s.texts, s.errors, s.http_errors AS errors_by_status,
       s.total_ms, s.total_ms / NULLIF(s.calls, 0) AS mean_ms, s.max_ms,
       s.cache_hits, s.cache_misses
FROM imgtrans.stats_rows() s LEFT JOIN pg_catalog.pg_database d ON d.oid = s.dbid
WHERE s.kind = 'provider';
COMMENT ON VIEW imgtrans.provider_stats IS
    'Per translation provider, database and role: HTTP requests, distinct texts asked, failed requests (by HTTP status; "none": no answer), request time (ms), translation cache hits and misses';

CREATE VIEW imgtrans.job_kind_stats WITH (security_invoker = true) AS
SELECT pg_catalog.pg_get_userbyid(s.userid) AS role, d.datname AS database, s.name AS kind,
       s.done, s.failed, s.retried, s.cancelled, s.calls AS attempts,
       s.queue_wait_ms / NULLIF(s.calls, 0) AS mean_queue_wait_ms,
       s.total_ms / NULLIF(s.calls, 0) AS mean_run_ms, s.max_ms AS max_run_ms,
       s.queue_wait_ms AS total_queue_wait_ms, s.total_ms AS total_run_ms, s.pages
FROM imgtrans.stats_rows() s LEFT JOIN pg_catalog.pg_database d ON d.oid = s.dbid
WHERE s.kind = 'job';
COMMENT ON VIEW imgtrans.job_kind_stats IS
    'Per job kind (ocr, translate_image), database and job owner: attempts ended done, failed, retried (to be run again) or cancelled; queue wait (due to started) and run time of the attempts a worker ended';

CREATE FUNCTION imgtrans.stats_state(OUT reset_at timestamptz, OUT entries bigint,
                                     OUT max_entries bigint, OUT dropped bigint)
AS 'MODULE_PATHNAME', 'imgtrans_stats_info'
LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION imgtrans.stats_state() IS 'The statistics table''s state; use the view imgtrans.stats_info';
CREATE VIEW imgtrans.stats_info WITH (security_invoker = true) AS
SELECT * FROM imgtrans.stats_state();
COMMENT ON VIEW imgtrans.stats_info IS
    'When the statistics were last reset, rows in use and the most kept (imgtrans.stats_max), counts dropped because the table was full';

CREATE FUNCTION imgtrans_stats_reset()
RETURNS timestamptz
AS 'MODULE_PATHNAME', 'imgtrans_stats_reset'
LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION imgtrans_stats_reset() IS
    'Forgets every statistics row of every role and database; returns the reset time (superusers and imgtrans_admin members only)';

GRANT SELECT ON imgtrans.stats, imgtrans.provider_stats, imgtrans.job_kind_stats, imgtrans.stats_info
    TO PUBLIC;

-- ---------------------------------------------------------------------------
-- The queue, for monitoring (queries.yaml): totals over every role's jobs,
-- so only for pg_read_all_stats (pg_monitor) and imgtrans_admin
-- ---------------------------------------------------------------------------
CREATE FUNCTION imgtrans.queue_depth(OUT status text, OUT jobs bigint, OUT oldest_age_seconds float8)
RETURNS SETOF record
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT s.status, count(j.id),
           coalesce(extract(epoch FROM now() - min(j.created_at))::float8, 0)
    FROM (VALUES ('queued'), ('running'), ('done'), ('failed'), ('cancelled')) s(status)
    LEFT JOIN imgtrans.jobs j ON j.status = s.status
    GROUP BY s.status
$$;
COMMENT ON FUNCTION imgtrans.queue_depth() IS
    'Jobs of every role by status, with the age of the oldest (seconds since created_at; 0 when none), for monitoring';

CREATE FUNCTION imgtrans.queue_workers(OUT workers bigint, OUT busy bigint, OUT oldest_due_seconds float8)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT (SELECT count(*) FROM imgtrans.worker_status()),
           (SELECT count(*) FROM imgtrans.worker_status() WHERE job IS NOT NULL AND job <> 0),
           (SELECT coalesce(extract(epoch FROM now() - min(next_attempt_at))::float8, 0)
            FROM imgtrans.jobs WHERE status = 'queued' AND next_attempt_at <= now())
$$;
COMMENT ON FUNCTION imgtrans.queue_workers() IS
    'Job workers running and busy with a job, and how long the longest-due queued job has waited (seconds; 0 when none), for monitoring';

REVOKE EXECUTE ON FUNCTION imgtrans.queue_depth(), imgtrans.queue_workers() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION imgtrans.queue_depth(), imgtrans.queue_workers()
    TO pg_read_all_stats, imgtrans_admin;

-- ---------------------------------------------------------------------------
-- Operations (issue 16): provider rate limits, per-role queue limits, fair
-- scheduling between roles.  Section owned by the quotas branch.
--
-- A provider's requests_per_second and max_concurrent are shared by every
-- session and worker (shared memory, src/translate/ratelimit.c).  Only a
-- superuser sets them; nothing here may let an ordinary role change a
-- limit, read a key, or see another role's jobs.
-- ---------------------------------------------------------------------------

ALTER TABLE imgtrans.providers
    ADD COLUMN requests_per_second float8 CHECK (requests_per_second > 0 AND requests_per_second <= 100000),
    ADD COLUMN max_concurrent int CHECK (max_concurrent BETWEEN 1 AND 64);
COMMENT ON COLUMN imgtrans.providers.requests_per_second IS
    'Most requests per second to this provider from all sessions and workers together (no bursts); NULL: no limit';
COMMENT ON COLUMN imgtrans.providers.max_concurrent IS
    'Most requests in flight to this provider at once, all sessions and workers together; NULL: no limit';

CREATE FUNCTION imgtrans_set_provider_limits(name text, requests_per_second float8 DEFAULT NULL,
                                             max_concurrent int DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RAISE EXCEPTION 'only superusers can set the limits of translation providers'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF requests_per_second IS NOT NULL AND NOT (requests_per_second > 0 AND requests_per_second <= 100000) THEN
        RAISE EXCEPTION 'requests_per_second must be greater than 0 and at most 100000'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'NULL means no rate limit.';
    END IF;
    IF max_concurrent IS NOT NULL AND NOT (max_concurrent BETWEEN 1 AND 64) THEN
        RAISE EXCEPTION 'max_concurrent must be between 1 and 64'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'NULL means no limit.';
    END IF;
    UPDATE imgtrans.providers p
    SET requests_per_second = imgtrans_set_provider_limits.requests_per_second,
        max_concurrent = imgtrans_set_provider_limits.max_concurrent
    WHERE p.name = imgtrans_set_provider_limits.name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'translation provider "%" does not exist', name
            USING ERRCODE = 'undefined_object',
                  HINT = 'See imgtrans_providers().';
    END IF;
END
$$;
COMMENT ON FUNCTION imgtrans_set_provider_limits(text, float8, int) IS
    'Sets a translation provider''s shared request limits (superuser only): requests per second and requests at once, for all sessions and workers together; NULL: no limit';

-- fair scheduling between roles (the claim in src/jobs/jobrun.c) and the
-- per-role queue limit (imgtrans.max_queued_jobs_per_role)
CREATE INDEX jobs_owner_queue_idx ON imgtrans.jobs (owner, priority DESC, id) WHERE status = 'queued';
CREATE INDEX jobs_owner_started_idx ON imgtrans.jobs (owner, started_at);
CREATE INDEX jobs_owner_running_idx ON imgtrans.jobs (owner) WHERE status = 'running';

-- ---------------------------------------------------------------------------
-- Scripts and iPhone photos (issue 18): HEIF/HEIC images decode everywhere
-- (no SQL change: imgtrans_heif.so is loaded by imgtrans.so); OSD on a page
-- of a document, which source => 'auto' of imgtrans_translate_image uses to
-- choose the OCR language from the script (imgtrans.auto_languages).
-- ---------------------------------------------------------------------------

DROP FUNCTION imgtrans_osd(bytea);
CREATE FUNCTION imgtrans_osd(image bytea, page int DEFAULT 1, dpi int DEFAULT NULL,
    OUT orientation int, OUT rotate int, OUT orientation_conf real,
    OUT script text, OUT script_conf real)
RETURNS record
AS 'MODULE_PATHNAME', 'imgtrans_osd'
LANGUAGE C STABLE PARALLEL SAFE COST 10000;
COMMENT ON FUNCTION imgtrans_osd(bytea, int, int) IS
    'Page orientation (0/90/180/270), the clockwise rotation that makes it upright, and the script, by tesseract OSD, of an image or of page page of a PDF or TIFF (dpi: PDF resolution, NULL for imgtrans.pdf_dpi); all NULL when there is too little text to decide; NULL image or page gives NULL';

COMMENT ON FUNCTION imgtrans_translate_image(bytea, text, text, text, text, text[], int, int) IS
    'Recognises the paragraphs (level para, lines joined with spaces) or lines of an image, or of page page of a PDF or TIFF (dpi: PDF resolution, NULL for imgtrans.pdf_dpi), in the source language, after optional preprocessing, and translates them all in one batched provider call through the cache; one imgtrans_translated_box row per element with text, in the original image''s (the page''s) coordinates, page_num the page. source auto: the one installed language (of imgtrans.auto_languages, if set) written in the script OSD sees on the page, else an ERROR naming the candidates. NULL image, target, source, level or page gives no rows';

COMMENT ON FUNCTION imgtrans_image_info(bytea) IS
    'Format (png, jpeg, tiff, webp, heif, gif, bmp, pnm, jp2), size as displayed, bits per pixel, resolution (ppi, NULL if not recorded) and orientation (EXIF Orientation 1-8, 1 if none; for HEIF its irot/imir transforms as that value, never its Exif item), read from the header without decoding pixels';

-- ===========================================================================
-- Every script in imgtrans_render (issue 18, "Lens in every script"): font
-- fallback through fontconfig, shaping and bidi with HarfBuzz and
-- FriBiDi; the design is in src/render/README.md.
-- ===========================================================================

CREATE FUNCTION imgtrans_render_glyphs(txt text,
    OUT glyph_no int, OUT char_no int, OUT chr text, OUT glyph int, OUT font text,
    OUT x_advance float8, OUT rtl boolean)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'imgtrans_render_glyphs'
LANGUAGE C STRICT VOLATILE PARALLEL RESTRICTED;
COMMENT ON FUNCTION imgtrans_render_glyphs(text) IS
    'The glyphs imgtrans_render draws for a text as one line, in visual order: the character each starts with (char_no counts from 1), glyph index (never 0, .notdef), font, advance in ems, and whether the text is right-to-left';
