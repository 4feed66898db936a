/*-------------------------------------------------------------------------
 * pdfapi.h
 *	  The table of functions imgtrans_pdf.so (poppler) offers imgtrans.so.
 *
 * imgtrans.so never links poppler: it loads imgtrans_pdf.so on the first
 * PDF and calls it only through this table, so no poppler, glib or cairo
 * type appears here.  Page numbers are 0-based at this level.  The open
 * and render functions may ereport(); close never does.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_PDFAPI_H
#define IMGTRANS_PDFAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct Pix;

typedef struct PdfPageInfo
{
	double		width_pt;		/* page size in points, rotation applied */
	double		height_pt;
	bool		has_text;		/* the page has a text layer with non-blank text
								 * (false when not asked for) */
} PdfPageInfo;

/* One word of a page's text layer, in points from the top left. */
typedef struct PdfWord
{
	double		x1,
				y1,
				x2,
				y2;
	int			block;			/* 1-based numbering, like tesseract's TSV */
	int			line;			/* within the block */
	int			word;			/* within the line */
	char	   *text;			/* palloc'd UTF-8 */
} PdfWord;

typedef struct PdfApi
{
	/*
	 * Opens a PDF held in data (which must outlive the handle): its page
	 * count in *npages and, unless that is over max_pages, each page's size
	 * and (if want_text) whether it has a text layer.
	 */
	void	   *(*open) (const uint8_t *data, size_t len, int max_pages, bool want_text, int *npages);
	/* What open measured of a page (0-based); only when npages <= max_pages. */
	void		(*page_info) (void *doc, int page, PdfPageInfo *info);
	/* Rasterises a page at width x height pixels (8-bit gray or 32-bit RGB). */
	struct Pix *(*render) (void *doc, int page, int width, int height);
	/* The words of a page's text layer; *nwords gets their count. */
	PdfWord    *(*words) (void *doc, int page, int *nwords);
	void		(*close) (void *doc);
} PdfApi;

typedef const PdfApi *(*PdfApiFn) (void);

#endif							/* IMGTRANS_PDFAPI_H */
