-- imgtrans 0.6.0 -> 0.7.0: documents (PDF, multi-page TIFF) as pages.
--
-- imgtrans_doc_info() lists a document's pages; imgtrans_page_image()
-- returns one page as a PNG.  PDFs are read by imgtrans_pdf.so (poppler),
-- which is loaded on the first PDF only.
\echo Use "ALTER EXTENSION imgtrans UPDATE TO '0.7.0'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- API: Public -- documents
-- ---------------------------------------------------------------------------

CREATE FUNCTION imgtrans_doc_info(doc bytea, dpi int DEFAULT NULL,
    OUT format text, OUT pages int, OUT page int, OUT width bigint, OUT height bigint,
    OUT dpi int, OUT width_pt float8, OUT height_pt float8, OUT has_text boolean)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'imgtrans_doc_info'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION imgtrans_doc_info(bytea, int) IS
    'One row per page of a PDF, a (multi-page) TIFF or an image: format, page count, page number, size in pixels at dpi (PDF: the argument, else imgtrans.pdf_dpi; other formats: their own pixels and recorded resolution), size in points, and whether a PDF page has a text layer. Reads no pixels';

CREATE FUNCTION imgtrans_page_image(doc bytea, page int, dpi int DEFAULT NULL)
RETURNS bytea
AS 'MODULE_PATHNAME', 'imgtrans_page_image'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION imgtrans_page_image(bytea, int, int) IS
    'Page page (from 1) of a PDF or TIFF (or an image, page 1) as a PNG recording its resolution; PDF pages are rasterised at dpi, else imgtrans.pdf_dpi';
