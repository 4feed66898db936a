-- imgtrans 0.9.0 -> 0.10.0: documents, second part (issue 14).
--
-- imgtrans_ocr_pdf() makes a searchable PDF (page images with an invisible
-- text layer) with tesseract's own PDF renderer.
\echo Use "ALTER EXTENSION imgtrans UPDATE TO '0.10.0'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- API: Public -- searchable PDF out
-- ---------------------------------------------------------------------------

CREATE FUNCTION imgtrans_ocr_pdf(doc bytea, lang text DEFAULT 'eng', psm int DEFAULT 3,
                                 vars jsonb DEFAULT NULL, pages int[] DEFAULT NULL,
                                 dpi int DEFAULT NULL)
RETURNS bytea
AS 'MODULE_PATHNAME', 'imgtrans_ocr_pdf'
LANGUAGE C STABLE PARALLEL SAFE COST 100000;
COMMENT ON FUNCTION imgtrans_ocr_pdf(bytea, text, int, jsonb, int[], int) IS
    'A searchable PDF of an image, a multi-page TIFF or a scanned PDF (pages: the pages, from 1, NULL for all; dpi: PDF resolution, NULL for imgtrans.pdf_dpi): each page image with an invisible text layer holding what imgtrans_ocr_text recognises, made by tesseract''s own PDF renderer';
