-- imgtrans 0.13.0 -> 0.14.0: a document job's pages are read dearest first
-- (issue 14, "Pages in parallel").
\echo Use "ALTER EXTENSION imgtrans UPDATE" to load this file. \quit

-- Taken in page order, the worker that finishes first waits for the
-- other's last page, which may be the longest.  With more than one worker,
-- the job's own worker first looks at every page of a TIFF not yet taken
-- and counts its glyph-sized connected components, which tesseract's time
-- follows; then every worker takes the page with the most glyphs first
-- (src/jobs/pagecost.c, src/jobs/jobrun.c; imgtrans.page_estimates).  A
-- PDF's pages (rasterising one costs what the order saves), pages taken
-- before the count and jobs of a single worker keep NULL.
ALTER TABLE imgtrans.job_pages ADD COLUMN glyphs int;
COMMENT ON COLUMN imgtrans.job_pages.glyphs IS
    'Glyph-sized connected components counted on a TIFF page before it was read: with several workers, the pages with most are read first (NULL: not counted: a PDF, one worker, imgtrans.page_estimates off, or the page was taken first)';
