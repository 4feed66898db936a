/*-------------------------------------------------------------------------
 * document.h
 *	  Multi-page documents (PDF, multi-page TIFF) as a list of pages, for
 *	  imgtrans.so and the engine module.
 *
 * An ImgDoc is opened from a bytea, answers page sizes without decoding
 * anything, and hands out one page at a time as a leptonica Pix after the
 * pixel limits are checked.  An ordinary image is a document of one page,
 * so callers need only one path.  imgtrans_doc_close() must run on every
 * path (PG_FINALLY); it never raises.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_DOCUMENT_H
#define IMGTRANS_DOCUMENT_H

#include "fmgr.h"

#include "document/docparse.h"
#include "image/imgheader.h"
#include "document/pdfapi.h"

/* GUCs (document.c) */
extern int	imgtrans_pdf_dpi;
extern int	imgtrans_max_pages;

#define IMGTRANS_MIN_DPI 30
#define IMGTRANS_MAX_DPI 2400

typedef struct DocPage
{
	int64		width;			/* pixels at the document's resolution */
	int64		height;
	int			dpi;			/* pixels per inch, 0 if the image records none */
	double		width_pt;		/* size in points, 0 if unknown (no resolution) */
	double		height_pt;
	bool		has_text;		/* PDF only: the page has a text layer */
	uint32		tiff_ifd;		/* TIFF only: offset of the page's directory */
} DocPage;

typedef struct ImgDoc
{
	DocKind		kind;			/* DOC_NONE for an ordinary image */
	ImgFormat	image_format;	/* for DOC_NONE and DOC_TIFF */
	const bytea *data;
	int			dpi;			/* PDF rasterising resolution */
	bool		sizes_only;		/* set before opening: page sizes only, no
								 * text layers read (has_text stays false) */
	int			npages;
	DocPage    *pages;			/* [npages], 0-based */
	const PdfApi *pdf;			/* PDF only */
	void	   *pdf_doc;
} ImgDoc;

extern void imgtrans_document_init(void);
extern DocKind imgtrans_doc_kind(const bytea *data);
extern int	imgtrans_doc_check_dpi(int dpi);
extern void imgtrans_doc_open(ImgDoc *doc, const bytea *data, int dpi);
extern void imgtrans_doc_check_page(const ImgDoc *doc, int page);
extern struct Pix *imgtrans_doc_page(ImgDoc *doc, int page);
extern struct Pix *imgtrans_doc_page_uncounted(ImgDoc *doc, int page);
extern void imgtrans_doc_close(ImgDoc *doc);
extern struct Pix *imgtrans_doc_decode_page(const bytea *data, int page, int dpi);
extern const char *imgtrans_doc_format_name(const ImgDoc *doc);
extern void imgtrans_doc_check(const bytea *data, int dpi);

/* A word of a PDF page's text layer, in the page's pixels at doc->dpi. */
typedef struct DocWord
{
	int			left,
				top,
				right,
				bottom;
	int			block,
				line,
				word;
	char	   *text;
} DocWord;

extern DocWord *imgtrans_doc_words(ImgDoc *doc, int page, int *nwords);

struct ArrayType;
extern int *doc_pages_list(struct ArrayType *pages, int npages);

#endif							/* IMGTRANS_DOCUMENT_H */
