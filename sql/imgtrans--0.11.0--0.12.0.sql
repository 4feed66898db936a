-- imgtrans 0.11.0 -> 0.12.0: documents as background jobs (issue 14, "Background jobs").
\echo Use "ALTER EXTENSION imgtrans UPDATE" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Jobs: page numbers and progress
-- ---------------------------------------------------------------------------

-- A PDF or multi-page TIFF is one job.  Its worker OCRs one page per
-- transaction, committing the page's boxes with pages_done, so the progress
-- is visible while the job runs and a job re-run after a crash starts at the
-- first page not yet committed (no page twice).  The results tables get the
-- pages in the last transaction, with the job's done (src/jobs/jobrun.c).
ALTER TABLE imgtrans.jobs
    ADD COLUMN pages_total int,
    ADD COLUMN pages_done int NOT NULL DEFAULT 0;
COMMENT ON COLUMN imgtrans.jobs.pages_total IS
    'Pages of the job''s image or document (1 for an image), known once a worker has read it';
COMMENT ON COLUMN imgtrans.jobs.pages_done IS
    'Pages whose OCR boxes are committed in imgtrans.job_boxes (a re-run starts after them)';

ALTER TABLE imgtrans.job_boxes ADD COLUMN page_num int NOT NULL DEFAULT 1;
COMMENT ON COLUMN imgtrans.job_boxes.page_num IS
    'Page of the document the box is on, from 1 (1 for an image)';
COMMENT ON COLUMN imgtrans.job_boxes.box_no IS
    'Position of the row in imgtrans_ocr''s output over all pages, from 1';
