-- imgtrans 0.2.0 -> 0.3.0: background OCR / translation jobs.
--
-- Jobs are rows of imgtrans.jobs, processed by background workers that the
-- library starts when it is in shared_preload_libraries (see src/worker.c);
-- results are rows of imgtrans.job_boxes.  Users never write these tables:
-- the functions below do, checking access themselves.  Reading them is
-- limited by row-level security to the job's owner (and members of the
-- owner role) and members of role imgtrans_admin.
\echo Use "ALTER EXTENSION imgtrans UPDATE TO '0.3.0'" to load this file. \quit

CREATE SCHEMA IF NOT EXISTS imgtrans;
-- Users read their jobs, results and the views below in this schema; the
-- other objects in it (translation providers, cache) revoke PUBLIC access
-- themselves.
GRANT USAGE ON SCHEMA imgtrans TO PUBLIC;

-- Roles are cluster-wide: another database may have created it already.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'imgtrans_admin') THEN
        CREATE ROLE imgtrans_admin NOLOGIN;
        COMMENT ON ROLE imgtrans_admin IS
            'Members see and manage every imgtrans background job, not only their own';
    END IF;
END $$;

-- ---------------------------------------------------------------------------
-- Queue and results
-- ---------------------------------------------------------------------------

CREATE TABLE imgtrans.jobs (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            text NOT NULL,
    owner           regrole NOT NULL,
    source_table    regclass,
    source_column   name,
    source_key      text,
    image           bytea,
    lang            text NOT NULL,
    target          text,
    options         jsonb,
    status          text NOT NULL DEFAULT 'queued',
    priority        int NOT NULL DEFAULT 0,
    attempts        int NOT NULL DEFAULT 0,
    max_attempts    int NOT NULL DEFAULT 3,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    error           text,
    worker_pid      int,
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    finished_at     timestamptz,
    CHECK (kind IN ('ocr', 'translate_image')),
    CHECK ((kind = 'translate_image') = (target IS NOT NULL)),
    CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
    CHECK ((source_table IS NULL) = (source_key IS NULL)),
    CHECK (source_table IS NOT NULL OR image IS NOT NULL),
    CHECK (max_attempts BETWEEN 1 AND 100)
);
CREATE INDEX jobs_queue_idx ON imgtrans.jobs (priority DESC, id) WHERE status = 'queued';
CREATE INDEX jobs_running_idx ON imgtrans.jobs (id) WHERE status = 'running';
CREATE INDEX jobs_source_idx ON imgtrans.jobs (source_table, source_key) WHERE source_table IS NOT NULL;
CREATE INDEX jobs_finished_idx ON imgtrans.jobs (finished_at) WHERE finished_at IS NOT NULL;
COMMENT ON TABLE imgtrans.jobs IS
    'Background OCR and image-translation jobs; written only by the imgtrans_* job functions and the workers';
COMMENT ON COLUMN imgtrans.jobs.kind IS 'ocr, or translate_image (OCR, then translate each box''s text to target)';
COMMENT ON COLUMN imgtrans.jobs.owner IS 'The role that submitted or enqueued the job; the source row is read as this role';
COMMENT ON COLUMN imgtrans.jobs.source_table IS 'Table of the row whose image is recognised (imgtrans_enqueue), NULL for imgtrans_submit';
COMMENT ON COLUMN imgtrans.jobs.source_column IS 'The bytea column of source_table that holds the image';
COMMENT ON COLUMN imgtrans.jobs.source_key IS 'The source row''s primary key, as text';
COMMENT ON COLUMN imgtrans.jobs.image IS 'The image of an imgtrans_submit job (NULL for trigger jobs, which read the source row when they run)';
COMMENT ON COLUMN imgtrans.jobs.options IS 'level, psm, vars (as for imgtrans_ocr), provider (translation), priority, max_attempts';
COMMENT ON COLUMN imgtrans.jobs.status IS 'queued, running, done, failed (after max_attempts errors) or cancelled';
COMMENT ON COLUMN imgtrans.jobs.attempts IS 'Times a worker has taken the job, including attempts a crash interrupted';
COMMENT ON COLUMN imgtrans.jobs.next_attempt_at IS 'A queued job is not taken before this time (backoff after an error)';
COMMENT ON COLUMN imgtrans.jobs.error IS 'The last error, or why the job was cancelled';
COMMENT ON COLUMN imgtrans.jobs.worker_pid IS 'PID of the worker running the job';

CREATE TABLE imgtrans.job_boxes (
    job_id     bigint NOT NULL REFERENCES imgtrans.jobs ON DELETE CASCADE,
    box_no     int NOT NULL,
    level      text,
    block_num  int,
    par_num    int,
    line_num   int,
    word_num   int,
    x          int,
    y          int,
    width      int,
    height     int,
    conf       real,
    text       text,
    bbox       box,
    translated text,
    PRIMARY KEY (job_id, box_no)
);
COMMENT ON TABLE imgtrans.job_boxes IS
    'Results of background jobs: the imgtrans_box rows of the OCR in output order (box_no from 1), and each box''s translation';
COMMENT ON COLUMN imgtrans.job_boxes.box_no IS 'Position of the row in imgtrans_ocr''s output, from 1';
COMMENT ON COLUMN imgtrans.job_boxes.translated IS 'The box''s text translated to the job''s target language (translate_image jobs)';

ALTER TABLE imgtrans.jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE imgtrans.job_boxes ENABLE ROW LEVEL SECURITY;
CREATE POLICY job_access ON imgtrans.jobs FOR SELECT
    USING (pg_has_role(owner, 'MEMBER') OR pg_has_role('imgtrans_admin', 'MEMBER'));
COMMENT ON POLICY job_access ON imgtrans.jobs IS
    'A job is visible to its owner (and members of the owner role) and to members of imgtrans_admin';
CREATE POLICY job_access ON imgtrans.job_boxes FOR SELECT
    USING (EXISTS (SELECT FROM imgtrans.jobs j WHERE j.id = job_id));
COMMENT ON POLICY job_access ON imgtrans.job_boxes IS
    'Results are visible to whoever sees their job';
GRANT SELECT ON imgtrans.jobs, imgtrans.job_boxes TO PUBLIC;

-- ---------------------------------------------------------------------------
-- Submitting jobs
-- ---------------------------------------------------------------------------

CREATE FUNCTION imgtrans_submit(image bytea, lang text DEFAULT 'eng', target text DEFAULT NULL,
                                options jsonb DEFAULT NULL)
RETURNS bigint
AS 'MODULE_PATHNAME', 'imgtrans_submit'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION imgtrans_submit(bytea, text, text, jsonb) IS
    'Queues a background job for an image: OCR, or OCR and translation to target; returns the job id. Options: level, psm, vars, provider, priority, max_attempts';

CREATE FUNCTION imgtrans_enqueue()
RETURNS trigger
AS 'MODULE_PATHNAME', 'imgtrans_enqueue'
LANGUAGE C;
COMMENT ON FUNCTION imgtrans_enqueue() IS
    'Row trigger: imgtrans_enqueue(image_column, lang DEFAULT ''eng'', target DEFAULT NULL) queues a job for the row''s new image';

CREATE FUNCTION imgtrans_wait(job_id bigint, timeout interval DEFAULT '1 minute')
RETURNS text
AS 'MODULE_PATHNAME', 'imgtrans_wait'
LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION imgtrans_wait(bigint, interval) IS
    'Waits until the job is done, failed or cancelled, or the timeout passes; returns its status';

-- ---------------------------------------------------------------------------
-- Administration
-- ---------------------------------------------------------------------------

CREATE FUNCTION imgtrans_retry(job_id bigint)
RETURNS boolean
AS 'MODULE_PATHNAME', 'imgtrans_retry'
LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION imgtrans_retry(bigint) IS
    'Queues a failed or cancelled job again with its attempts reset; false if the job was in another state';

CREATE FUNCTION imgtrans_retry_failed()
RETURNS bigint
AS 'MODULE_PATHNAME', 'imgtrans_retry_failed'
LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION imgtrans_retry_failed() IS
    'Queues again every failed job the caller may manage; returns how many';

CREATE FUNCTION imgtrans_cancel(job_id bigint)
RETURNS boolean
AS 'MODULE_PATHNAME', 'imgtrans_cancel'
LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION imgtrans_cancel(bigint) IS
    'Cancels a queued or running job (a running job''s results are discarded); false if it had already ended';

CREATE FUNCTION imgtrans_purge(older_than interval)
RETURNS bigint
AS 'MODULE_PATHNAME', 'imgtrans_purge'
LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION imgtrans_purge(interval) IS
    'Deletes the caller''s done, failed and cancelled jobs (and their results) that ended longer ago than older_than; returns how many';

CREATE FUNCTION imgtrans_worker_restart()
RETURNS boolean
AS 'MODULE_PATHNAME', 'imgtrans_worker_restart'
LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION imgtrans_worker_restart() IS
    'Asks every job worker to exit after its current job; the launcher starts new ones (imgtrans_admin members and superusers only)';

CREATE FUNCTION imgtrans.worker_status(OUT pid int, OUT job bigint, OUT phase text, OUT since timestamptz)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'imgtrans_worker_status'
LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION imgtrans.worker_status() IS
    'The job workers'' shared-memory registry; use the view imgtrans.workers';

CREATE VIEW imgtrans.workers WITH (security_invoker = true) AS
SELECT w.pid, j.id AS job, w.phase, w.since
FROM imgtrans.worker_status() w
LEFT JOIN imgtrans.jobs j ON j.id = w.job;
COMMENT ON VIEW imgtrans.workers IS
    'Running job workers: pid, the job it works on (if the caller may see it), phase and since when';

CREATE VIEW imgtrans.job_stats WITH (security_invoker = true) AS
SELECT count(*) FILTER (WHERE status = 'queued')    AS queued,
       count(*) FILTER (WHERE status = 'running')   AS running,
       count(*) FILTER (WHERE status = 'done')      AS done,
       count(*) FILTER (WHERE status = 'failed')    AS failed,
       count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
       now() - min(created_at) FILTER (WHERE status = 'queued') AS oldest_queued_age,
       round(count(*) FILTER (WHERE status = 'done' AND finished_at > now() - interval '5 minutes') / 5.0, 1)
           AS jobs_per_min
FROM imgtrans.jobs;
COMMENT ON VIEW imgtrans.job_stats IS
    'Jobs the caller can see, by status; age of the oldest queued job; jobs done per minute over the last 5 minutes';
GRANT SELECT ON imgtrans.workers, imgtrans.job_stats TO PUBLIC;
