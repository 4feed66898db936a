/*-------------------------------------------------------------------------
 * docparse.h
 *	  Plain-C recognition of multi-page documents: PDF sniffing and
 *	  truncation check, the page directory of a TIFF file.
 *
 * Nothing here allocates, decodes pixels or depends on PostgreSQL,
 * leptonica or poppler, so test/test_document.c links it directly.  It
 * must never read outside [data, data + len) nor loop forever on a
 * malicious file: every offset is range-checked and every chain walk is
 * bounded.  Callers turn the status codes into ereport()s.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_DOCPARSE_H
#define IMGTRANS_DOCPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum DocKind
{
	DOC_NONE = 0,				/* not a document: an ordinary image or unknown */
	DOC_PDF,
	DOC_TIFF
} DocKind;

typedef enum DocStatus
{
	DOC_OK = 0,
	DOC_TRUNCATED,				/* the data ends inside a structure */
	DOC_INVALID,				/* a structure is present but impossible */
	DOC_TOO_MANY_PAGES,			/* more pages than the caller's maximum */
	DOC_UNSUPPORTED				/* valid but not supported (BigTIFF) */
} DocStatus;

/* One TIFF page (image file directory) as its header describes it. */
typedef struct DocTiffPage
{
	uint32_t	ifd;			/* file offset of the page's directory */
	uint32_t	width;
	uint32_t	height;
	double		xres;			/* pixels per inch, 0 if not recorded */
	double		yres;
} DocTiffPage;

/*
 * PDF when "%PDF-" starts within the first 1024 bytes (as PDF readers
 * accept), TIFF for a classic or BigTIFF byte-order mark, else DOC_NONE.
 */
extern DocKind doc_sniff(const uint8_t *data, size_t len);

/* Whether a PDF has its "%%EOF" marker within its last 1024 bytes. */
extern bool doc_pdf_complete(const uint8_t *data, size_t len);

/*
 * Walks a TIFF's chain of image file directories.  Fills up to max_pages
 * entries of pages (an array of max_pages) and sets *npages to
 * the number of pages found.  Returns DOC_TOO_MANY_PAGES as soon as the
 * chain holds more than max_pages, DOC_INVALID for a cycle or an
 * impossible directory, DOC_TRUNCATED when a directory runs past the end.
 */
extern DocStatus doc_tiff_pages(const uint8_t *data, size_t len, int max_pages,
								DocTiffPage *pages, int *npages);

#endif							/* IMGTRANS_DOCPARSE_H */
