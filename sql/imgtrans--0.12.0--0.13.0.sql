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
